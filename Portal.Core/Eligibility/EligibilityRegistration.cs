using Microsoft.Extensions.DependencyInjection;

namespace Portal.Core.Eligibility;

public static class EligibilityRegistration
{
    /// <summary>The eligibility and schedule engine: next doses, may this product be given on that date, the children's programme.</summary>
    public static IServiceCollection AddEligibility(this IServiceCollection services)
    {
        services.AddScoped<EligibilityService>();
        return services;
    }
}
