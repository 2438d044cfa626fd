using Portal.Core.Jobs;
using Portal.Core.Messaging;

namespace Portal.Messaging;

public static class MessagingRegistration
{
    /// <summary>The SMS gateway chosen by "Sms:Gateway" (File in Development unless set; Http otherwise), the
    /// outbox dispatcher and the daily reminder job.</summary>
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration configuration, IHostEnvironment env, string dataFolder)
    {
        var section = configuration.GetSection(SmsOptions.SectionName);
        services.AddOptions<SmsOptions>().Bind(section);
        var settings = section.Get<SmsOptions>() ?? new SmsOptions();

        var gateway = settings.Gateway ?? (env.IsDevelopment() ? "File" : "");
        if (gateway.Equals("File", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<ISmsGateway>(sp => new FileSmsGateway(Path.Combine(dataFolder, "sms", "outbox.jsonl"), sp.GetRequiredService<TimeProvider>()));
        }
        else if (gateway.Equals("Http", StringComparison.OrdinalIgnoreCase))
        {
            var http = configuration.GetSection(HttpSmsGatewayOptions.SectionName).Get<HttpSmsGatewayOptions>() ?? new HttpSmsGatewayOptions();
            if (!Uri.TryCreate(http.Url, UriKind.Absolute, out _))
                throw new InvalidOperationException("Sms:Http:Url must be an absolute URL when Sms:Gateway is \"Http\".");
            services.AddOptions<HttpSmsGatewayOptions>().Bind(configuration.GetSection(HttpSmsGatewayOptions.SectionName));
            services.AddHttpClient(HttpSmsGateway.ClientName, c => c.Timeout = http.Timeout);
            services.AddSingleton<ISmsGateway, HttpSmsGateway>();
        }
        else
        {
            throw new InvalidOperationException("Sms:Gateway must be \"File\" (development) or \"Http\" (with the Sms:Http section).");
        }

        services.AddSingleton<SmsDispatchService>();
        services.AddSingleton<AppointmentReminderService>();
        if (settings.DispatcherEnabled)
            services.AddRecurringJob<SmsDispatchJob>();
        if (settings.RemindersEnabled)
            services.AddRecurringJob<ReminderJob>();
        return services;
    }
}
