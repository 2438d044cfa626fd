using Microsoft.Extensions.DependencyInjection;

namespace Portal.Core.Consents;

public static class ConsentsRegistration
{
    /// <summary>Pre-vaccination questionnaires and informed consents.</summary>
    public static IServiceCollection AddConsents(this IServiceCollection services)
    {
        services.AddScoped<QuestionnaireService>();
        return services;
    }
}
