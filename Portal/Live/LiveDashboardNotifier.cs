using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Portal.Core.Dashboard;
using Portal.Core.Injections;
using Portal.Hubs;

namespace Portal.Live;

/// <summary>
/// Holds the latest city snapshot and tells screens when it changes: Blazor components through
/// <see cref="Subscribe"/>, other clients through <see cref="LiveHub"/>. Injections only mark the
/// snapshot stale; one background loop recomputes it at most once per
/// <see cref="LiveOptions.MinRecomputeInterval"/>, so a burst of a thousand injections costs a few
/// recomputes, not a thousand. Singleton; the loop starts with the first subscriber, request or event.
/// </summary>
public sealed class LiveDashboardNotifier : IAsyncDisposable, IDisposable
{
    private readonly IDashboardSnapshotSource source;
    private readonly IHubContext<LiveHub>? hub;
    private readonly TimeProvider clock;
    private readonly ILogger<LiveDashboardNotifier> logger;
    private readonly LiveOptions options;

    // Capacity 1, extra writes dropped: any number of events before the loop wakes means one recompute.
    private readonly Channel<bool> stale = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly SemaphoreSlim computing = new(1, 1);
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock subscribersLock = new();
    private Func<DashboardSnapshot, Task>[] subscribers = [];
    private volatile DashboardSnapshot? current;
    private DateTimeOffset lastComputeStartedAt = DateTimeOffset.MinValue;
    private int pushToHubPending;
    private int started;
    private Task loop = Task.CompletedTask;
    private Task refresher = Task.CompletedTask;

    /// <param name="hub">Null where there are no SignalR clients to feed (component tests).</param>
    public LiveDashboardNotifier(
        IDashboardSnapshotSource source,
        TimeProvider clock,
        ILogger<LiveDashboardNotifier> logger,
        IOptions<LiveOptions> options,
        IHubContext<LiveHub>? hub = null)
    {
        this.source = source;
        this.clock = clock;
        this.logger = logger;
        this.options = options.Value;
        this.hub = hub;
    }

    /// <summary>The latest snapshot, or null before the first one is computed.</summary>
    public DashboardSnapshot? Current => current;

    /// <summary>How many screens are subscribed (diagnostics; tests check that pages unsubscribe).</summary>
    public int SubscriberCount => Volatile.Read(ref subscribers).Length;

    /// <summary>Calls <paramref name="callback"/> with each new snapshot until the result is disposed.
    /// Callbacks run concurrently; one that throws is logged and does not affect the others.</summary>
    public IDisposable Subscribe(Func<DashboardSnapshot, Task> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        EnsureStarted();
        lock (subscribersLock)
        {
            subscribers = [.. subscribers, callback];
        }

        return new Subscription(this, callback);
    }

    /// <summary>The current snapshot, computing the first one if there is none yet.</summary>
    public async Task<DashboardSnapshot> GetSnapshotAsync(CancellationToken ct = default)
    {
        EnsureStarted();
        if (current is { } snapshot)
        {
            return snapshot;
        }

        await computing.WaitAsync(ct);
        try
        {
            return current ?? await ComputeLockedAsync(ct);
        }
        finally
        {
            computing.Release();
        }
    }

    /// <summary>An injection recorded by this instance: forwarded to hub clients at once (through the
    /// backplane, to every instance's clients), and the snapshot is recomputed shortly.</summary>
    public async ValueTask PublishAsync(InjectionRecorded injection, CancellationToken ct = default)
    {
        EnsureStarted();
        Interlocked.Exchange(ref pushToHubPending, 1);
        stale.Writer.TryWrite(true);
        if (hub is null)
        {
            return;
        }

        try
        {
            await hub.Clients.All.SendAsync(LiveRoutes.InjectionMessage, injection, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The injection is committed; a hub hiccup must not surface as a failed injection.
            logger.LogWarning(ex, "Could not send injection {InjectionId} to hub clients", injection.InjectionId);
        }
    }

    /// <summary>An injection recorded by another instance (relayed through Redis). Its hub clients were
    /// told by that instance; here only the local snapshot and Blazor screens are refreshed.</summary>
    public void OnRemoteInjection(InjectionRecorded injection)
    {
        EnsureStarted();
        stale.Writer.TryWrite(true);
    }

    /// <summary>Recomputes now, outside the coalescing loop, and notifies everyone.</summary>
    public async Task<DashboardSnapshot> RefreshAsync(CancellationToken ct = default)
    {
        EnsureStarted();
        DashboardSnapshot snapshot;
        await computing.WaitAsync(ct);
        try
        {
            snapshot = await ComputeLockedAsync(ct);
        }
        finally
        {
            computing.Release();
        }

        await PublishSnapshotAsync(snapshot, pushToHub: true, ct);
        return snapshot;
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
                var pushToHub = Interlocked.Exchange(ref pushToHubPending, 0) == 1;
                try
                {
                    DashboardSnapshot snapshot;
                    await computing.WaitAsync(ct);
                    try
                    {
                        snapshot = await ComputeLockedAsync(ct);
                    }
                    finally
                    {
                        computing.Release();
                    }

                    await PublishSnapshotAsync(snapshot, pushToHub, ct);
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
                Interlocked.Exchange(ref pushToHubPending, 1);
                stale.Writer.TryWrite(true);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Call while holding <see cref="computing"/>.</summary>
    private async Task<DashboardSnapshot> ComputeLockedAsync(CancellationToken ct)
    {
        lastComputeStartedAt = clock.GetUtcNow();
        var snapshot = await source.GetCitySnapshotAsync(ct);
        current = snapshot;
        return snapshot;
    }

    private async Task PublishSnapshotAsync(DashboardSnapshot snapshot, bool pushToHub, CancellationToken ct)
    {
        Func<DashboardSnapshot, Task>[] targets;
        lock (subscribersLock)
        {
            targets = subscribers;
        }

        var deliveries = targets.Select(callback => DeliverAsync(callback, snapshot)).ToList();
        // Only the instance whose injections caused the change pushes to hub clients: with the Redis
        // backplane every instance's push reaches every client. Snapshots replace each other, so the
        // occasional duplicate from two instances is harmless.
        if (pushToHub && hub is not null)
        {
            deliveries.Add(SendToHubAsync(hub, snapshot, ct));
        }

        await Task.WhenAll(deliveries);
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

    private async Task SendToHubAsync(IHubContext<LiveHub> context, DashboardSnapshot snapshot, CancellationToken ct)
    {
        try
        {
            await context.Clients.All.SendAsync(LiveRoutes.SnapshotMessage, snapshot, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not send the dashboard snapshot to hub clients");
        }
    }

    private void Unsubscribe(Func<DashboardSnapshot, Task> callback)
    {
        lock (subscribersLock)
        {
            var index = Array.IndexOf(subscribers, callback);
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

    private sealed class Subscription(LiveDashboardNotifier owner, Func<DashboardSnapshot, Task> callback) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.Unsubscribe(callback);
            }
        }
    }
}
