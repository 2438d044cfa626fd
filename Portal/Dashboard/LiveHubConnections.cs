using System.Collections.Concurrent;
using Portal.Core.Dashboard;
using Portal.Dashboard;

namespace Portal.Dashboard;

/// <summary>
/// This instance's own <see cref="LiveHub"/> connections and the scope each one may see, kept by the hub's
/// OnConnected/OnDisconnected. Each connection also joins its scope's SignalR group on this instance, so the notifier
/// sends a scope's snapshot once per scope (serialized once), not once per connection. Connections on other instances
/// are served by their own instance (ADR 0005). Singleton; thread-safe.
/// </summary>
public sealed class LiveHubConnections
{
    private readonly ConcurrentDictionary<string, DashboardScope> connections = new(StringComparer.Ordinal);

    /// <summary>Identifies this process in its group names.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    public int Count => connections.Count;

    public void Add(string connectionId, DashboardScope scope) => connections[connectionId] = scope;

    public void Remove(string connectionId) => connections.TryRemove(connectionId, out _);

    /// <summary>The scopes this instance's connections watch, at this moment (each needs its own snapshot).</summary>
    public IReadOnlyList<DashboardScope> Scopes() => [.. connections.Values.Distinct()];

    /// <summary>The SignalR group of a scope's connections on this instance. The instance id keeps the group local even
    /// if a backplane were ever added: another instance's members are that instance's to serve.</summary>
    public string GroupOf(DashboardScope scope) => $"live:{InstanceId}:{scope.Key}";
}
