using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Core.Common;
using Portal.Core.Dashboard;
using Portal.Core.Injections;
using Portal.Core.Statistics;
using Portal.Live;
using Portal.Tests.Components;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>
/// The SignalR hub for clients outside Blazor: on a minimal in-process host wired with AddLiveUpdates /
/// MapLiveUpdates and a fake snapshot source; on the real Portal (authorization, real figures); and across
/// two instances through Redis (backplane and injection relay).
/// </summary>
public sealed class LiveHubTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Client_gets_the_snapshot_on_request_then_the_injection_and_a_new_snapshot_when_one_is_recorded()
    {
        var source = new FakeSnapshotSource(7);
        await using var host = await StartHostAsync(source);
        await using var client = await ConnectAsync(host.GetTestServer());

        var initial = await client.Connection.InvokeAsync<DashboardSnapshot>(LiveRoutes.GetSnapshotMethod);
        Assert.Equal(7, initial.TodayTotal);
        Assert.Equal(BigScreenSamples.Snapshot().Districts, initial.Districts);

        source.Total = 8;
        var injection = BigScreenSamples.Injection(id: 4242);
        await host.Services.GetRequiredService<IInjectionEventSink>().PublishAsync(injection);

        Assert.Equal(injection, await client.Injections.Reader.ReadAsync().AsTask().WaitAsync(Patience));
        var pushed = await client.Snapshots.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        Assert.Equal(8, pushed.TodayTotal);
        Assert.Equal(initial.Targets, pushed.Targets);
    }

    [Fact]
    public async Task A_burst_reaches_hub_clients_as_every_injection_but_few_snapshots()
    {
        var source = new FakeSnapshotSource(0);
        await using var host = await StartHostAsync(source);
        await using var client = await ConnectAsync(host.GetTestServer());
        var sink = host.Services.GetRequiredService<IInjectionEventSink>();

        for (var i = 1; i <= 50; i++)
        {
            source.Total = i;
            await sink.PublishAsync(BigScreenSamples.Injection(i));
        }

        for (var i = 1; i <= 50; i++)
        {
            Assert.Equal(i, (await client.Injections.Reader.ReadAsync().AsTask().WaitAsync(Patience)).InjectionId);
        }

        DashboardSnapshot last;
        do
        {
            last = await client.Snapshots.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        }
        while (last.TodayTotal < 50);
        Assert.InRange(source.Calls, 1, 4);
    }

    [Fact]
    public async Task Real_portal_refuses_anonymous_clients_and_serves_its_own_figures_to_a_pda_token()
    {
        await using var factory = PortalFactory.Sqlite(new Dictionary<string, string?> { ["Live:AllowAnonymousScreens"] = "false" });
        var server = factory.Server;

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => ConnectAsync(server));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        var pda = await factory.SignInPdaAsync();
        var token = pda.DefaultRequestHeaders.Authorization!.Parameter!;
        await using var client = await ConnectAsync(server, token);

        var snapshot = await client.Connection.InvokeAsync<DashboardSnapshot>(LiveRoutes.GetSnapshotMethod);
        var today = ChinaTime.Today(TimeProvider.System);
        var counted = await factory.WithDbAsync(db => db.Set<DailyInjectionStat>().Where(s => s.Date == today).SumAsync(s => (long?)s.Count));
        Assert.Equal(today, snapshot.Today);
        Assert.Equal(counted ?? 0, snapshot.TodayTotal);
        Assert.Equal(16, snapshot.Districts.Count);

        var injection = BigScreenSamples.Injection(id: 777) with { InjectedOn = today };
        await factory.Services.GetRequiredService<IInjectionEventSink>().PublishAsync(injection);

        Assert.Equal(injection, await client.Injections.Reader.ReadAsync().AsTask().WaitAsync(Patience));
        Assert.Equal(today, (await client.Snapshots.Reader.ReadAsync().AsTask().WaitAsync(Patience)).Today);
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
        using var subscription = notifierB.Subscribe(s => { onB.TrySetResult(s); return Task.CompletedTask; });

        await relayA.PublishAsync(BigScreenSamples.Injection());

        Assert.Equal(2, (await onB.Task.WaitAsync(Patience)).TodayTotal);
        await Task.Delay(TimeSpan.FromMilliseconds(700)); // longer than one coalescing interval
        Assert.Equal(0, sourceA.Calls); // A heard its own message and let it be
        Assert.Null(notifierA.Current);

        await relayA.StopAsync(CancellationToken.None);
        await relayB.StopAsync(CancellationToken.None);
    }

    [SkippableFact]
    public async Task With_redis_a_client_of_one_instance_hears_injections_recorded_on_another_exactly_once()
    {
        Requirements.Redis();
        var redis = await RedisServer.GetConfigurationAsync();
        var sourceA = new FakeSnapshotSource(10);
        var sourceB = new FakeSnapshotSource(10);
        await using var hostA = await StartHostAsync(sourceA, redis);
        await using var hostB = await StartHostAsync(sourceB, redis);
        await using var clientOfB = await ConnectAsync(hostB.GetTestServer());
        var notifierB = hostB.Services.GetRequiredService<LiveDashboardNotifier>();
        var refreshedB = new TaskCompletionSource<DashboardSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = notifierB.Subscribe(s => { refreshedB.TrySetResult(s); return Task.CompletedTask; });

        sourceA.Total = 11;
        sourceB.Total = 11;
        await hostA.Services.GetRequiredService<IInjectionEventSink>().PublishAsync(BigScreenSamples.Injection(id: 99));

        Assert.Equal(99, (await clientOfB.Injections.Reader.ReadAsync().AsTask().WaitAsync(Patience)).InjectionId);
        Assert.Equal(11, (await clientOfB.Snapshots.Reader.ReadAsync().AsTask().WaitAsync(Patience)).TodayTotal);
        Assert.Equal(11, (await refreshedB.Task.WaitAsync(Patience)).TodayTotal); // B's own screens, through the relay
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(clientOfB.Injections.Reader.TryRead(out _), "the injection reached the client twice");
    }

    /// <summary>A minimal host: AddLiveUpdates + MapLiveUpdates with the fake source, anonymous screens allowed.</summary>
    private static async Task<WebApplication> StartHostAsync(IDashboardSnapshotSource source, string? redis = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Live:AllowAnonymousScreens"] = "true",
            ["Live:RefreshInterval"] = "00:00:00",
            [LiveOptions.RedisConfigurationKey] = redis,
        });
        builder.Services.AddSingleton(source);
        builder.Services.AddAuthorization();
        builder.Services.AddLiveUpdates(builder.Configuration);

        var app = builder.Build();
        app.UseAuthorization();
        app.MapLiveUpdates();
        await app.StartAsync();
        return app;
    }

    private static async Task<HubClient> ConnectAsync(TestServer server, string? accessToken = null)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, LiveRoutes.Hub), options =>
            {
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
                if (accessToken is not null)
                {
                    options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
                }
            })
            .Build();
        var client = new HubClient(connection);
        connection.On<InjectionRecorded>(LiveRoutes.InjectionMessage, e => client.Injections.Writer.TryWrite(e));
        connection.On<DashboardSnapshot>(LiveRoutes.SnapshotMessage, s => client.Snapshots.Writer.TryWrite(s));
        try
        {
            await connection.StartAsync();
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return client;
    }

    private sealed class HubClient(HubConnection connection) : IAsyncDisposable
    {
        public HubConnection Connection { get; } = connection;

        public Channel<InjectionRecorded> Injections { get; } = Channel.CreateUnbounded<InjectionRecorded>();

        public Channel<DashboardSnapshot> Snapshots { get; } = Channel.CreateUnbounded<DashboardSnapshot>();

        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }
}
