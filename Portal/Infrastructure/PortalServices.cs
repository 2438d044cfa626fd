using Portal.Core.Booking;
using Portal.Core.Common.Privacy;
using Portal.Core.Injections;
using Portal.Core.Residents;
using Portal.Core.Residents.Auth;
using Portal.Data;
using Portal.Identity;

namespace Portal.Infrastructure;

public static class PortalServices
{
    /// <summary>Domain services of the resident app and the PDA.</summary>
    public static IServiceCollection AddPortalDomain(this IServiceCollection services, IConfiguration configuration, IHostEnvironment env, string dataFolder)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddPersonalDataProtection(configuration);
        services.AddScoped<SmsLoginService>();
        services.AddScoped<ResidentService>();
        services.AddScoped<Portal.Core.Residents.Links.ResidentLinkService>();
        // Link-request codes leave after the answer, through the SMS gateway AddSms chooses.
        services.AddSingleton<Portal.Core.Residents.Links.LinkCodeCourier>();
        services.AddHostedService<Portal.Core.Residents.Links.LinkCodeSender>();
        services.AddSingleton<Portal.Core.Vaccines.VaccineCatalogue>();
        services.AddScoped<Portal.Core.Vaccines.CatalogueRulesService>();
        services.AddScoped<BookingService>();
        services.AddScoped<InjectionService>();
        services.AddSingleton(sp => new QrPayloadService(
            System.Security.Cryptography.HMACSHA256.HashData(sp.GetRequiredService<TokenOptions>().Key().Key, "blazorvax-qr-v1"u8.ToArray()),
            sp.GetRequiredService<TimeProvider>()));
        // The SMS gateway, outbox dispatcher and reminders: AddSms (Portal/Messaging).
        return services;
    }

    public static IServiceCollection AddPortalHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddDbContextCheck<PortalDbContext>("database", tags: ["ready"]);
        return services;
    }

    public static WebApplication MapPortalHealth(this WebApplication app)
    {
        // Live: the process answers. Ready: and its database does.
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        return app;
    }
}
