using System.Collections.Concurrent;
using Portal.Core.Dashboard;
using Portal.Hubs;

namespace Portal.Live;

/// <summary>
/// This instance's own <see cref="LiveHub"/> connections and the scope each one may see, kept by the hub's
/// OnConnected/OnDisconnected. The notifier sends every local connection its scope's snapshot and the injections
/// inside it; connections on other instances are served by their own instance (see ADR 0005), so nothing here
/// goes through the Redis backplane. Singleton; thread-safe.
/// </summary>
public sealed class LiveHubConnections
{
    private readonly ConcurrentDictionary<string, DashboardScope> connections = new(StringComparer.Ordinal);

    public int Count => connections.Count;

    public void Add(string connectionId, DashboardScope scope) => connections[connectionId] = scope;

    public void Remove(string connectionId) => connections.TryRemove(connectionId, out _);

    /// <summary>The local connections grouped by scope, at this moment.</summary>
    public IReadOnlyList<(DashboardScope Scope, IReadOnlyList<string> ConnectionIds)> ByScope() =>
        [.. connections.GroupBy(c => c.Value).Select(g => (g.Key, (IReadOnlyList<string>)[.. g.Select(c => c.Key)]))];
}
