using Portal.Core.Jobs;
using Portal.Api;
using Portal.Core.Booking;


namespace Portal.Booking;

public static class BookingProtectionExtensions
{
    /// <summary>Cancel/reschedule/no-show service and policy ("Booking:NoShow"), the sold-out cache
    /// ("Booking:SoldOutCacheSeconds", default 2), Idempotency-Key support, rate limits ("RateLimits") and the
    /// maintenance job ("Booking:MaintenanceJob:Enabled", default true).</summary>
    public static IServiceCollection AddBookingProtection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NoShowPolicyOptions>().Bind(configuration.GetSection(NoShowPolicyOptions.SectionName));
        services.AddScoped<AppointmentService>();
        var ttl = configuration.GetValue<double?>("Booking:SoldOutCacheSeconds") ?? 2;
        services.AddSingleton(sp => new SoldOutCache(sp.GetRequiredService<TimeProvider>(), TimeSpan.FromSeconds(Math.Max(0, ttl))));
        services.AddTransient<IStartupFilter, IdempotencyExtensions.BufferingStartupFilter>();
        services.AddResidentRateLimits(configuration);
        if (configuration.GetValue("Booking:MaintenanceJob:Enabled", true))
            services.AddRecurringJob<NoShowJob>().AddRecurringJob<IdempotencyPurgeJob>();
        return services;
    }
}
