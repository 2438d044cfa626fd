using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Portal.Core.Dashboard;
using Portal.Core.Injections;
using Portal.Dashboard;

namespace Portal.Dashboard;

/// <summary>
/// Holds the latest figures and tells screens when they change, each screen only its own scope's snapshot: Blazor
/// components through <see cref="Subscribe"/>, this instance's <see cref="LiveHub"/> connections (kept in
/// <see cref="LiveHubConnections"/>) through the hub context. Injections only mark the figures stale; one background
/// loop recomputes them at most once per <see cref="LiveOptions.MinRecomputeInterval"/>, so a burst of a thousand
/// injections costs a few recomputes, not a thousand, and each recompute is one city-wide computation however many
/// scopes are watching. Singleton; the loop starts with the first subscriber, request or event.
/// </summary>
/// <remarks>Every instance serves its own hub connections (one SignalR group per scope on this instance), after
/// recomputes caused by its own injections and by those relayed from other instances (<see cref="RedisInjectionRelay"/>).
/// There is no SignalR backplane: no message goes to every client, and each instance already recomputes for its own
/// Blazor screens (ADR 0005).</remarks>
public sealed class LiveDashboardNotifier : IAsyncDisposable, IDisposable
{
    private readonly IDashboardSnapshotSource source;
    private readonly IHubContext<LiveHub>? hub;
    private readonly LiveHubConnections? connections;
    private readonly TimeProvider clock;
    private readonly ILogger<LiveDashboardNotifier> logger;
    private readonly LiveOptions options;

    // Capacity 1, extra writes dropped: any number of events before the loop wakes means one recompute.
    private readonly Channel<bool> stale = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly SemaphoreSlim computing = new(1, 1);
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock subscribersLock = new();
    private Subscription[] subscribers = [];
    private volatile DashboardFigures? current;
    private DateTimeOffset lastComputeStartedAt = DateTimeOffset.MinValue;
    private int started;
    private Task loop = Task.CompletedTask;
    private Task refresher = Task.CompletedTask;

    /// <param name="hub">Null where there are no SignalR clients to feed (component tests).</param>
    /// <param name="connections">This instance's hub connections by scope; null with <paramref name="hub"/>.</param>
    public LiveDashboardNotifier(
        IDashboardSnapshotSource source,
        TimeProvider clock,
        ILogger<LiveDashboardNotifier> logger,
        IOptions<LiveOptions> options,
        IHubContext<LiveHub>? hub = null,
        LiveHubConnections? connections = null)
    {
        this.source = source;
        this.clock = clock;
        this.logger = logger;
        this.options = options.Value;
        this.hub = hub;
        this.connections = connections;
    }

    /// <summary>The latest snapshot of <paramref name="scope"/>, or null before the first computation.</summary>
    public DashboardSnapshot? CurrentFor(DashboardScope scope) => current?.For(scope);

    /// <summary>How many screens are subscribed (diagnostics; tests check that pages unsubscribe).</summary>
    public int SubscriberCount => Volatile.Read(ref subscribers).Length;

    /// <summary>Calls <paramref name="callback"/> with each new snapshot of <paramref name="scope"/> until the result is
    /// disposed. Callbacks run concurrently; one that throws is logged and does not affect the others.</summary>
    public IDisposable Subscribe(DashboardScope scope, Func<DashboardSnapshot, Task> callback)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(callback);
        EnsureStarted();
        var subscription = new Subscription(this, scope, callback);
        lock (subscribersLock)
        {
            subscribers = [.. subscribers, subscription];
        }

        return subscription;
    }

    /// <summary>The current snapshot of <paramref name="scope"/>, computing the figures if there are none yet.</summary>
    public async Task<DashboardSnapshot> GetSnapshotAsync(DashboardScope scope, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        EnsureStarted();
        if (current is { } figures)
        {
            return figures.For(scope);
        }

        await computing.WaitAsync(ct);
        try
        {
            return (current ?? await ComputeLockedAsync(ct)).For(scope);
        }
        finally
        {
            computing.Release();
        }
    }

    /// <summary>An injection recorded by this instance: forwarded at once to this instance's hub clients whose scope
    /// covers it, and the figures are recomputed shortly.</summary>
    public async ValueTask PublishAsync(InjectionRecorded injection, CancellationToken ct = default)
    {
        EnsureStarted();
        stale.Writer.TryWrite(true);
        await ForwardInjectionAsync(injection, ct);
    }

    /// <summary>An injection recorded by another instance (relayed through Redis): this instance's hub clients whose
    /// scope covers it hear of it from here, and its screens are refreshed by the next recompute.</summary>
    public void OnRemoteInjection(InjectionRecorded injection)
    {
        EnsureStarted();
        stale.Writer.TryWrite(true);
        _ = ForwardInjectionAsync(injection, stopping.Token);
    }

    /// <summary>Recomputes now, outside the coalescing loop, and notifies everyone.</summary>
    public async Task<DashboardFigures> RefreshAsync(CancellationToken ct = default)
    {
        EnsureStarted();
        DashboardFigures figures;
        await computing.WaitAsync(ct);
        try
        {
            figures = await ComputeLockedAsync(ct);
        }
        finally
        {
            computing.Release();
        }

        await PublishFiguresAsync(figures, ct);
        return figures;
    }

    private void EnsureStarted()
    {
        if (Interlocked.Exchange(ref started, 1) == 1)
        {
            return;
        }

        loop = Task.Run(() => RunAsync(stopping.Token));
        if (options.RefreshInterval > TimeSpan.Zero)
        {
            refresher = Task.Run(() => RefreshPeriodicallyAsync(stopping.Token));
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (await stale.Reader.WaitToReadAsync(ct))
            {
                var wait = lastComputeStartedAt + options.MinRecomputeInterval - clock.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, clock, ct);
                }

                // Whatever arrived until now is covered by this recompute; later events wake the next one.
                stale.Reader.TryRead(out _);
                try
                {
                    DashboardFigures figures;
                    await computing.WaitAsync(ct);
                    try
                    {
                        figures = await ComputeLockedAsync(ct);
                    }
                    finally
                    {
                        computing.Release();
                    }

                    await PublishFiguresAsync(figures, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    logger.LogError(ex, "Could not recompute the live dashboard snapshot");
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task RefreshPeriodicallyAsync(CancellationToken ct)
    {
        try
        {
            using var timer = new PeriodicTimer(options.RefreshInterval, clock);
            while (await timer.WaitForNextTickAsync(ct))
            {
                stale.Writer.TryWrite(true);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Call while holding <see cref="computing"/>.</summary>
    private async Task<DashboardFigures> ComputeLockedAsync(CancellationToken ct)
    {
        lastComputeStartedAt = clock.GetUtcNow();
        var figures = await source.GetFiguresAsync(ct);
        current = figures;
        return figures;
    }

    /// <summary>Each subscriber and each local hub connection gets its own scope's snapshot, composed once per scope.</summary>
    private async Task PublishFiguresAsync(DashboardFigures figures, CancellationToken ct)
    {
        Subscription[] targets;
        lock (subscribersLock)
        {
            targets = subscribers;
        }

        var deliveries = targets.Select(s => DeliverAsync(s.Callback, figures.For(s.Scope))).ToList();
        if (hub is not null && connections is not null)
        {
            deliveries.AddRange(connections.Scopes().Select(scope => SendAsync(hub, connections.GroupOf(scope), LiveRoutes.SnapshotMessage, figures.For(scope), ct)));
        }

        await Task.WhenAll(deliveries);
    }

    private async Task ForwardInjectionAsync(InjectionRecorded injection, CancellationToken ct)
    {
        if (hub is null || connections is null)
        {
            return;
        }

        var sends = new List<Task>();
        foreach (var scope in connections.Scopes())
        {
            if (scope.Visible(injection) is { } visible)
            {
                sends.Add(SendAsync(hub, connections.GroupOf(scope), LiveRoutes.InjectionMessage, visible, ct));
            }
        }

        await Task.WhenAll(sends);
    }

    private async Task DeliverAsync(Func<DashboardSnapshot, Task> callback, DashboardSnapshot snapshot)
    {
        try
        {
            await callback(snapshot);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A live dashboard subscriber failed");
        }
    }

    /// <summary>To one scope's connections on this instance (its group). Never throws: the injection is committed, and
    /// a hub hiccup must not surface as a failed injection or keep the other scopes from their message.</summary>
    private async Task SendAsync(IHubContext<LiveHub> context, string group, string method, object message, CancellationToken ct)
    {
        try
        {
            await context.Clients.Group(group).SendAsync(method, message, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Could not send {Message} to hub group {Group}", method, group);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private void Unsubscribe(Subscription subscription)
    {
        lock (subscribersLock)
        {
            var index = Array.IndexOf(subscribers, subscription);
            if (index >= 0)
            {
                subscribers = [.. subscribers[..index], .. subscribers[(index + 1)..]];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        await stopping.CancelAsync();
        stale.Writer.TryComplete();
        await Task.WhenAll(loop, refresher);
    }

    /// <summary>Stops the loop without waiting for it (containers disposed synchronously).</summary>
    public void Dispose()
    {
        if (!stopping.IsCancellationRequested)
        {
            stopping.Cancel();
            stale.Writer.TryComplete();
        }
    }

    private sealed class Subscription(LiveDashboardNotifier owner, DashboardScope scope, Func<DashboardSnapshot, Task> callback) : IDisposable
    {
        private int disposed;

        public DashboardScope Scope { get; } = scope;

        public Func<DashboardSnapshot, Task> Callback { get; } = callback;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Unsubscribe(this);
            }
        }
    }
}
