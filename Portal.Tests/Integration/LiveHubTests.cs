using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Dashboard;
using Portal.Core.Identity;
using Portal.Core.Injections;
using Portal.Dashboard;
using Portal.Tests.TestSupport;
using static Portal.Tests.TestSupport.LiveHubClient;

namespace Portal.Tests.Integration;

/// <summary>
/// The SignalR hub for clients outside Blazor, on a minimal in-process host wired with AddLiveUpdates / MapLiveUpdates,
/// a fake snapshot source and a header-driven test sign-in (who may connect, which scope each client gets), and across
/// two instances through Redis (the injection relay; each instance serves its own connections). The real Portal's
/// sign-ins and figures: <see cref="LiveHubScopeTests"/>.
/// </summary>
public sealed class LiveHubTests
{
    [Fact]
    public async Task Client_gets_the_snapshot_on_request_then_the_injection_and_a_new_snapshot_when_one_is_recorded()
    {
        var source = new FakeSnapshotSource(7);
        await using var host = await StartHostAsync(source);
        await using var client = await ConnectAsync(host.GetTestServer(), Staff(Roles.CityAdmin, DataScopeKind.City));

        var initial = (await client.GetSnapshotAsync()).Snapshot!;
        Assert.Equal(7, initial.TodayTotal);
        Assert.Equal(BigScreenSamples.Snapshot().Districts, initial.Districts);
        Assert.Equal("city", initial.Scope!.Key);

        source.Total = 8;
        var injection = BigScreenSamples.Injection(id: 4242, employer: 7);
        await host.Services.GetRequiredService<IInjectionEventSink>().PublishAsync(injection);

        Assert.Equal(injection, await client.NextInjectionAsync()); // the city's ticker keeps the employer
        var pushed = await client.NextSnapshotAsync();
        Assert.Equal(8, pushed.TodayTotal);
        Assert.Equal(initial.Targets, pushed.Targets);
    }

    [Fact]
    public async Task A_burst_reaches_hub_clients_as_every_injection_but_few_snapshots()
    {
        var source = new FakeSnapshotSource(0);
        await using var host = await StartHostAsync(source);
        await using var client = await ConnectAsync(host.GetTestServer(), Staff(Roles.CityAdmin, DataScopeKind.City));
        var sink = host.Services.GetRequiredService<IInjectionEventSink>();

        for (var i = 1; i <= 50; i++)
        {
            source.Total = i;
            await sink.PublishAsync(BigScreenSamples.Injection(i));
        }

        for (var i = 1; i <= 50; i++)
        {
            Assert.Equal(i, (await client.NextInjectionAsync()).InjectionId);
        }

        DashboardSnapshot last;
        do
        {
            last = await client.NextSnapshotAsync();
        }
        while (last.TodayTotal < 50);
        Assert.InRange(source.Calls, 1, 4);
    }

    [Fact]
    public async Task Hub_refuses_anonymous_callers_residents_the_mlps_administrators_console_doctors_and_accounts_without_a_scope()
    {
        await using var host = await StartHostAsync(new FakeSnapshotSource(1));
        var server = host.GetTestServer();

        Assert.Equal(HttpStatusCode.Unauthorized, (await Assert.ThrowsAsync<HttpRequestException>(() => ConnectAsync(server))).StatusCode);
        Action<HttpConnectionOptions>[] refused =
        [
            Claims(("kind", "resident"), ("sub", "5")),
            Staff(Roles.SystemAdmin, DataScopeKind.City),
            Staff(Roles.SecurityAdmin, DataScopeKind.City),
            Staff(Roles.AuditAdmin, DataScopeKind.City),
            Staff(Roles.Doctor, DataScopeKind.Site, site: 1),       // a doctor in the console: not a statistics role
            Claims(("role", Roles.DistrictAdmin)),                   // a statistics role but no scope
            Staff(Roles.DistrictAdmin, DataScopeKind.District),      // a district scope without its district
            Claims(("kind", "pda"), ("site", "1")),                  // a PDA token without a doctor's role
            Claims(("kind", "pda"), ("role", Roles.Doctor)),         // a PDA token without its site
        ];
        foreach (var sign in refused)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await Assert.ThrowsAsync<HttpRequestException>(() => ConnectAsync(server, sign))).StatusCode);
        }

        await using var pda = await ConnectAsync(server, Pda(site: 1));
        Assert.Equal("site:1", (await pda.GetSnapshotAsync()).Snapshot!.Scope!.Key);
    }

    [Fact]
    public async Task Each_client_gets_only_its_own_scope_s_snapshots_and_the_injections_inside_it()
    {
        await using var host = await StartHostAsync(new FakeSnapshotSource(3));
        var server = host.GetTestServer();
        await using var city = await ConnectAsync(server, Staff(Roles.CityAdmin, DataScopeKind.City));
        await using var xuhui = await ConnectAsync(server, Staff(Roles.DistrictAdmin, DataScopeKind.District, district: "310104"));
        await using var huangpu = await ConnectAsync(server, Staff(Roles.DistrictAdmin, DataScopeKind.District, district: "310101"));
        await using var site = await ConnectAsync(server, Pda(site: 1));
        await using var employer = await ConnectAsync(server, Staff(Roles.EmployerAdmin, DataScopeKind.Employer, employer: 7));
        var clients = new[] { (city, "city"), (xuhui, "district:310104"), (huangpu, "district:310101"), (site, "site:1"), (employer, "employer:7") };

        foreach (var (client, key) in clients)
        {
            Assert.Equal(key, (await client.GetSnapshotAsync()).Snapshot!.Scope!.Key);
        }

        Assert.Equal(["310104"], (await xuhui.GetSnapshotAsync()).Snapshot!.Districts.Select(d => d.Code));

        // At site 1 in 徐汇, to a member of employer 7's staff; then at site 2 in 黄浦, to nobody's staff.
        var sink = host.Services.GetRequiredService<IInjectionEventSink>();
        var inXuhui = BigScreenSamples.Injection(1, district: "310104", site: 1, employer: 7);
        var inHuangpu = BigScreenSamples.Injection(2, district: "310101", site: 2);
        await sink.PublishAsync(inXuhui);
        await sink.PublishAsync(inHuangpu);

        Assert.Equal([inXuhui, inHuangpu], [await city.NextInjectionAsync(), await city.NextInjectionAsync()]);
        Assert.Equal(inXuhui with { EmployerId = null }, await xuhui.NextInjectionAsync()); // the employer may be another district's
        Assert.Equal(inXuhui with { EmployerId = null }, await site.NextInjectionAsync());
        Assert.Equal(inXuhui, await employer.NextInjectionAsync());
        Assert.Equal(inHuangpu, await huangpu.NextInjectionAsync());
        foreach (var (client, key) in clients)
        {
            Assert.Equal(key, (await client.NextSnapshotAsync()).Scope!.Key);
        }

        await Task.Delay(TimeSpan.FromMilliseconds(700)); // longer than one coalescing interval
        foreach (var (client, key) in clients)
        {
            Assert.False(client.Injections.Reader.TryRead(out var extra), $"{key} got injection {extra?.InjectionId}");
            while (client.Snapshots.Reader.TryRead(out var more))
            {
                Assert.Equal(key, more.Scope!.Key);
            }
        }
    }

    [SkippableFact]
    public async Task Relay_hands_other_instances_injections_to_the_notifier_and_ignores_its_own()
    {
        Requirements.Redis();
        var redis = await RedisServer.GetConfigurationAsync();
        var sourceA = new FakeSnapshotSource(1);
        var sourceB = new FakeSnapshotSource(2);
        await using var notifierA = BigScreenSamples.Notifier(sourceA);
        await using var notifierB = BigScreenSamples.Notifier(sourceB);
        // One connection each, as two Portal processes would have.
        await using var connectionA = new RedisConnection(redis);
        await using var connectionB = new RedisConnection(redis);
        var relayA = new RedisInjectionRelay(connectionA, notifierA, NullLogger<RedisInjectionRelay>.Instance);
        var relayB = new RedisInjectionRelay(connectionB, notifierB, NullLogger<RedisInjectionRelay>.Instance);
        await relayA.StartAsync(CancellationToken.None);
        await relayB.StartAsync(CancellationToken.None);
        var onB = new TaskCompletionSource<DashboardSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = notifierB.Subscribe(TestScopes.City, s => { onB.TrySetResult(s); return Task.CompletedTask; });

        await relayA.PublishAsync(BigScreenSamples.Injection());

        Assert.Equal(2, (await onB.Task.WaitAsync(Patience)).TodayTotal);
        await Task.Delay(TimeSpan.FromMilliseconds(700)); // longer than one coalescing interval
        Assert.Equal(0, sourceA.Calls); // A heard its own message and let it be
        Assert.Null(notifierA.CurrentFor(TestScopes.City));

        await relayA.StopAsync(CancellationToken.None);
        await relayB.StopAsync(CancellationToken.None);
    }

    [SkippableFact]
    public async Task With_redis_each_instance_sends_its_own_clients_their_scope_s_updates_for_an_injection_recorded_on_another_exactly_once()
    {
        Requirements.Redis();
        var redis = await RedisServer.GetConfigurationAsync();
        var sourceA = new FakeSnapshotSource(10);
        var sourceB = new FakeSnapshotSource(10);
        await using var hostA = await StartHostAsync(sourceA, redis);
        await using var hostB = await StartHostAsync(sourceB, redis);
        await using var xuhuiOnB = await ConnectAsync(hostB.GetTestServer(), Staff(Roles.DistrictAdmin, DataScopeKind.District, district: "310104"));
        await using var huangpuOnB = await ConnectAsync(hostB.GetTestServer(), Staff(Roles.DistrictAdmin, DataScopeKind.District, district: "310101"));
        await using var cityOnB = await ConnectAsync(hostB.GetTestServer(), Staff(Roles.CityAdmin, DataScopeKind.City));
        await using var huangpuOnA = await ConnectAsync(hostA.GetTestServer(), Staff(Roles.DistrictAdmin, DataScopeKind.District, district: "310101"));
        var notifierB = hostB.Services.GetRequiredService<LiveDashboardNotifier>();
        var refreshedB = new TaskCompletionSource<DashboardSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = notifierB.Subscribe(TestScopes.District("310104"), s => { refreshedB.TrySetResult(s); return Task.CompletedTask; });

        sourceA.Total = 11;
        sourceB.Total = 11;
        var injection = BigScreenSamples.Injection(id: 99, district: "310104", employer: 7);
        await hostA.Services.GetRequiredService<IInjectionEventSink>().PublishAsync(injection);

        Assert.Equal(injection with { EmployerId = null }, await xuhuiOnB.NextInjectionAsync());
        Assert.Equal(injection, await cityOnB.NextInjectionAsync());
        var pushed = await xuhuiOnB.NextSnapshotAsync();
        Assert.Equal((11L, "district:310104"), (pushed.TodayTotal, pushed.Scope!.Key));
        Assert.Equal(["310104"], pushed.Districts.Select(d => d.Code));
        Assert.Equal("district:310101", (await huangpuOnB.NextSnapshotAsync()).Scope!.Key);
        Assert.Equal("district:310101", (await huangpuOnA.NextSnapshotAsync()).Scope!.Key);
        Assert.Equal("district:310104", (await refreshedB.Task.WaitAsync(Patience)).Scope!.Key); // B's own screens, through the relay
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(xuhuiOnB.Injections.Reader.TryRead(out _), "the injection reached the client twice");
        Assert.False(cityOnB.Injections.Reader.TryRead(out _), "the injection reached the city client twice");
        Assert.False(huangpuOnB.Injections.Reader.TryRead(out _), "黄浦 heard of an injection in 徐汇 (instance B)");
        Assert.False(huangpuOnA.Injections.Reader.TryRead(out _), "黄浦 heard of an injection in 徐汇 (instance A)");
    }

    [Fact]
    public async Task The_screens_viewer_roles_are_the_view_statistics_policy_s()
    {
        await using var factory = PortalFactory.Sqlite();
        var policy = await factory.Services.GetRequiredService<IAuthorizationPolicyProvider>().GetPolicyAsync(Policies.ViewStatistics);

        var roles = Assert.Single(policy!.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>());
        Assert.Equal(roles.AllowedRoles.Order(), DashboardScope.ViewerRoles.Order());
    }

    /// <summary>A minimal host: AddLiveUpdates + MapLiveUpdates with the fake source, signed in by <see cref="Claims"/>.</summary>
    private static async Task<WebApplication> StartHostAsync(IDashboardSnapshotSource source, string? redis = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Live:RefreshInterval"] = "00:00:00",
            [LiveOptions.RedisConfigurationKey] = redis,
        });
        builder.Services.AddSingleton(source);
        // The hub's policy names the console cookie's and the bearer token's schemes: both are the test sign-in here.
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, HeaderSignIn>(IdentityConstants.ApplicationScheme, null)
            .AddScheme<AuthenticationSchemeOptions, HeaderSignIn>(JwtBearerDefaults.AuthenticationScheme, null);
        builder.Services.AddAuthorization();
        builder.Services.AddLiveUpdates(builder.Configuration);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapLiveUpdates();
        await app.StartAsync();
        return app;
    }

    /// <summary>A console user as the Portal's cookie describes one (StaffScope claims, no token kind).</summary>
    private static Action<HttpConnectionOptions> Staff(string role, DataScopeKind kind, string? district = null, long? site = null, long? employer = null) =>
        Claims([("role", role), (StaffClaimTypes.ScopeKind, kind.ToString()),
            .. district is null ? [] : new[] { (StaffClaimTypes.ScopeDistrict, district) },
            .. site is null ? [] : new[] { (StaffClaimTypes.ScopeSite, site.Value.ToString()) },
            .. employer is null ? [] : new[] { (StaffClaimTypes.ScopeEmployer, employer.Value.ToString()) }]);

    /// <summary>A doctor's PDA token as PdaApi issues one.</summary>
    private static Action<HttpConnectionOptions> Pda(long site) => Claims(("kind", "pda"), ("site", site.ToString()), ("role", Roles.Doctor));

    private static Action<HttpConnectionOptions> Claims(params (string Type, string Value)[] claims) =>
        o => o.Headers[HeaderSignIn.Header] = string.Join(';', claims.Select(c => $"{c.Type}={c.Value}"));

    /// <summary>Test sign-in: the principal's claims come from one header ("type=value;..."; "role" is a role claim).
    /// Registered under both scheme names; only the cookie's reads it, so a caller has one identity.</summary>
    private sealed class HeaderSignIn(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string Header = "X-Test-Claims";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (Scheme.Name != IdentityConstants.ApplicationScheme || Request.Headers[Header].ToString() is not { Length: > 0 } value)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var claims = value.Split(';').Select(pair => pair.Split('=', 2)).Select(p => new Claim(p[0] == "role" ? ClaimTypes.Role : p[0], p[1]));
            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)));
        }
    }
}
