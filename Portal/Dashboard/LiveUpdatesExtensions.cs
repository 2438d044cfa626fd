using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portal.Core.Dashboard;
using Portal.Core.Injections;
using Portal.Core.Vaccines;
using Portal.Dashboard;

namespace Portal.Dashboard;

public static class LiveUpdatesExtensions
{
    /// <summary>
    /// The dashboard service, the live notifier and its registry of hub connections, the <see cref="IInjectionEventSink"/>
    /// the injection service publishes to, the hub's authorization policy and SignalR. With "Redis:Configuration" set,
    /// also the relays that carry injections and catalogue edits between instances. Needs <c>IDbContextFactory&lt;DbContext&gt;</c>
    /// (AddPortalData) when the real dashboard service is used; register another
    /// <see cref="IDashboardSnapshotSource"/> first to replace it.
    /// </summary>
    public static IServiceCollection AddLiveUpdates(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<LiveOptions>().Bind(configuration.GetSection(LiveOptions.Section));
        services.TryAddSingleton(_ => configuration.GetSection($"{LiveOptions.Section}:Dashboard").Get<DashboardOptions>() ?? new DashboardOptions());
        services.TryAddSingleton(sp => new DashboardService(
            sp.GetRequiredService<IDbContextFactory<DbContext>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<DashboardOptions>(),
            sp.GetRequiredService<ILogger<DashboardService>>()));
        services.TryAddSingleton<IDashboardSnapshotSource>(sp => sp.GetRequiredService<DashboardService>());
        services.TryAddSingleton<LiveHubConnections>();
        services.TryAddSingleton(sp => new LiveDashboardNotifier(
            sp.GetRequiredService<IDashboardSnapshotSource>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<LiveDashboardNotifier>>(),
            sp.GetRequiredService<IOptions<LiveOptions>>(),
            sp.GetRequiredService<IHubContext<LiveHub>>(),
            sp.GetRequiredService<LiveHubConnections>()));
        // The console cookie or a bearer token (the default policy would look at the cookie only), and a scope to watch.
        services.AddAuthorization(o => o.AddPolicy(LiveAudience.Policy, p => p
            .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme, JwtBearerDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(ctx => LiveAudience.ScopeOf(ctx.User) is not null)));

        // No SignalR backplane: every hub message is scoped, and each instance sends its own connections theirs (ADR 0005).
        services.AddSignalR();
        var redis = configuration[LiveOptions.RedisConfigurationKey];
        if (!string.IsNullOrWhiteSpace(redis))
        {
            services.TryAddSingleton(_ => new RedisConnection(redis));
            services.TryAddSingleton(sp => new RedisInjectionRelay(sp.GetRequiredService<RedisConnection>(),
                sp.GetRequiredService<LiveDashboardNotifier>(), sp.GetRequiredService<ILogger<RedisInjectionRelay>>()));
            services.AddHostedService(sp => sp.GetRequiredService<RedisInjectionRelay>());
            // Catalogue edits, so that every instance's next booking follows a changed rule. Only where the app
            // registered the catalogue (hosts that test the live screens alone do not).
            services.AddSingleton<IHostedService>(sp => sp.GetService<VaccineCatalogue>() is { } catalogue
                ? new RedisCatalogueRelay(sp.GetRequiredService<RedisConnection>(), catalogue, sp.GetRequiredService<ILogger<RedisCatalogueRelay>>())
                : NoHostedService.Instance);
        }

        // Added, not tried: this replaces any placeholder sink registered before it.
        services.AddSingleton<IInjectionEventSink>(sp => new LiveInjectionEventSink(
            sp.GetRequiredService<LiveDashboardNotifier>(), sp.GetService<RedisInjectionRelay>()));
        return services;
    }

    /// <summary>
    /// Maps <see cref="LiveHub"/> at <see cref="LiveRoutes.Hub"/> for <see cref="LiveAudience.Policy"/>: staff signed in
    /// to the console who may view statistics, and PDA tokens; never anonymous callers (a later issue brings revocable
    /// read-only links for wall displays). Call after UseAuthentication/UseAuthorization.
    /// </summary>
    public static WebApplication MapLiveUpdates(this WebApplication app)
    {
        // SignalR clients need the bare 401/403, not the console's re-executed "not found" page.
        app.MapHub<LiveHub>(LiveRoutes.Hub).WithMetadata(new SkipStatusCodePages()).RequireAuthorization(LiveAudience.Policy);
        return app;
    }

    private sealed class SkipStatusCodePages : ISkipStatusCodePagesMetadata;
}

/// <summary>Stands in for a hosted service whose dependency the host did not register.</summary>
internal sealed class NoHostedService : IHostedService
{
    public static readonly NoHostedService Instance = new();
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
