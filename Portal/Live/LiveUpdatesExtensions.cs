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
using Portal.Hubs;
using StackExchange.Redis;

namespace Portal.Live;

public static class LiveUpdatesExtensions
{
    /// <summary>
    /// The city dashboard service, the live notifier, the <see cref="IInjectionEventSink"/> the injection
    /// service publishes to, and SignalR. With "Redis:Configuration" set, also the SignalR Redis backplane
    /// and the relay that carries injections between instances. Needs <c>IDbContextFactory&lt;DbContext&gt;</c>
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
        services.TryAddSingleton(sp => new LiveDashboardNotifier(
            sp.GetRequiredService<IDashboardSnapshotSource>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<LiveDashboardNotifier>>(),
            sp.GetRequiredService<IOptions<LiveOptions>>(),
            sp.GetRequiredService<IHubContext<LiveHub>>()));

        var signalR = services.AddSignalR();
        var redis = configuration[LiveOptions.RedisConfigurationKey];
        if (!string.IsNullOrWhiteSpace(redis))
        {
            signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = RedisChannel.Literal(LiveOptions.RedisChannelPrefix));
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
    /// Maps <see cref="LiveHub"/> at <see cref="LiveRoutes.Hub"/> for any authenticated principal, signed in
    /// with the console cookie or a bearer token (the default policy would look at the cookie only).
    /// With "Live:AllowAnonymousScreens" true, anyone may connect. Call after UseAuthentication/UseAuthorization.
    /// </summary>
    public static WebApplication MapLiveUpdates(this WebApplication app)
    {
        // SignalR clients need the bare 401/403, not the console's re-executed "not found" page.
        var hub = app.MapHub<LiveHub>(LiveRoutes.Hub).WithMetadata(new SkipStatusCodePages());
        if (app.Configuration.GetValue<bool>($"{LiveOptions.Section}:{nameof(LiveOptions.AllowAnonymousScreens)}"))
        {
            hub.AllowAnonymous();
        }
        else
        {
            hub.RequireAuthorization(policy => policy
                .AddAuthenticationSchemes(IdentityConstants.ApplicationScheme, JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser());
        }

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
