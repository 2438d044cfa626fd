using System.Collections.Concurrent;

namespace Portal.Core.Dashboard;

/// <summary>Where the live screens get their figures; the hub and notifier tests substitute a fake.</summary>
public interface IDashboardSnapshotSource
{
    /// <summary>One city-wide computation from the counters, from which every scope's snapshot is composed.</summary>
    Task<DashboardFigures> GetFiguresAsync(CancellationToken ct = default);
}

/// <summary>
/// The result of one city-wide computation: what every screen's snapshot is composed from, in memory, without
/// another query. Each scope's snapshot is composed at most once per instance (the first time a screen of that scope
/// asks) and then shared by every screen and hub client of the scope. Thread-safe.
/// </summary>
public abstract class DashboardFigures(DateTimeOffset generatedAt)
{
    private readonly ConcurrentDictionary<DashboardScope, DashboardSnapshot> snapshots = new();

    public DateTimeOffset GeneratedAt { get; } = generatedAt;

    /// <summary>The snapshot of <paramref name="scope"/>: only figures inside it, nothing of other districts,
    /// sites or employers, not even the city's totals (unless the scope is the city).</summary>
    public DashboardSnapshot For(DashboardScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return snapshots.GetOrAdd(scope, Compose);
    }

    /// <summary>Composes the snapshot of one scope; called once per scope and instance (rarely twice under a race,
    /// which is harmless: the results are equal).</summary>
    protected abstract DashboardSnapshot Compose(DashboardScope scope);
}
