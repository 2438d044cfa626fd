namespace Portal.Dashboard;

/// <summary>The live-updates hub's address and the names of what it sends, for server and clients alike.</summary>
public static class LiveRoutes
{
    /// <summary>SignalR hub for clients outside Blazor (wall displays, the PDA app, other services).</summary>
    public const string Hub = "/hubs/live";

    /// <summary>Server to client: a <see cref="Portal.Core.Dashboard.DashboardSnapshot"/>, after each (coalesced) recompute.</summary>
    public const string SnapshotMessage = "snapshot";

    /// <summary>Server to client: each <see cref="Portal.Core.Injections.InjectionRecorded"/>, as it happens (for tickers).</summary>
    public const string InjectionMessage = "injection";

    /// <summary>Client to server: returns the current snapshot.</summary>
    public const string GetSnapshotMethod = "GetSnapshot";
}
