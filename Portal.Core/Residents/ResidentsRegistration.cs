using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Residents.Auth;
using Portal.Core.Residents.Links;

namespace Portal.Core.Residents;

public static class ResidentsRegistration
{
    /// <summary>Residents and their accounts: SMS sign-in, family members, and the proofs that link an account to a person
    /// already on record (the link codes leave after the answer, through the SMS gateway AddMessaging chooses). The signed
    /// QR payload is registered with the token keys it derives from (AddPortalIdentity).</summary>
    public static IServiceCollection AddResidents(this IServiceCollection services)
    {
        services.AddScoped<SmsLoginService>();
        services.AddScoped<ResidentService>();
        services.AddScoped<ResidentLinkService>();
        services.AddSingleton<LinkCodeCourier>();
        services.AddHostedService<LinkCodeSender>();
        return services;
    }
}
