using Portal.Data;

namespace Portal.Infrastructure;

/// <summary>Liveness and readiness probes for the load balancer and the orchestrator.</summary>
public static class Health
{
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
