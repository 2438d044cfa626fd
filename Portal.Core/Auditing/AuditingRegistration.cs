using Microsoft.Extensions.DependencyInjection;

namespace Portal.Core.Auditing;

public static class AuditingRegistration
{
    /// <summary>The one audit writer every feature records staff actions and reads of personal data through.</summary>
    public static IServiceCollection AddAuditing(this IServiceCollection services)
    {
        services.AddScoped<AuditService>();
        return services;
    }
}
