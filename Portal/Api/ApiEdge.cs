using Microsoft.AspNetCore.OpenApi;

namespace Portal.Api;

/// <summary>What every API route shares at the edge, whatever its feature: bilingual ProblemDetails for every error,
/// the input rules' limits in the OpenAPI document, Idempotency-Key replay and the resident rate limits ("RateLimits").
/// The rules themselves are applied per route group by <see cref="InputRules"/> in Program.cs.</summary>
public static class ApiEdge
{
    public static IServiceCollection AddApiEdge(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddApiProblems();
        services.AddOpenApi(o => o.AddInputRuleLimits().AddErrorResponses());
        services.AddTransient<IStartupFilter, IdempotencyExtensions.BufferingStartupFilter>();
        services.AddResidentRateLimits(configuration);
        return services;
    }
}
