using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Portal.Core.Dashboard;
using Portal.Dashboard;

namespace Portal.Dashboard;

/// <summary>
/// Live figures for clients outside Blazor (wall displays, the PDA app), each limited to its caller's scope
/// (<see cref="LiveAudience"/>). The server pushes <see cref="LiveRoutes.SnapshotMessage"/> (the scope's snapshot) and
/// <see cref="LiveRoutes.InjectionMessage"/> (injections inside the scope); clients may call <see cref="GetSnapshot"/>
/// on connecting. Blazor pages never connect here: they subscribe to <see cref="LiveDashboardNotifier"/> in process.
/// </summary>
/// <remarks>
/// The endpoint requires <see cref="LiveAudience.Policy"/>: a console cookie or a bearer token (PDA; WebSocket clients
/// send it as the <c>access_token</c> query parameter), and a scope to watch. Others get 401 or 403 at negotiate.
/// The connection's scope is fixed when it connects; a changed account scope applies to its next connection.
/// </remarks>
[Authorize(Policy = LiveAudience.Policy)]
public sealed class LiveHub(LiveDashboardNotifier notifier, LiveHubConnections connections) : Hub
{
    private static readonly object ScopeItem = new();

    public override async Task OnConnectedAsync()
    {
        // The endpoint policy has checked this already; a principal without a scope is dropped all the same.
        if (LiveAudience.ScopeOf(Context.User ?? new()) is not { } scope)
        {
            Context.Abort();
            return;
        }

        Context.Items[ScopeItem] = scope;
        await Groups.AddToGroupAsync(Context.ConnectionId, connections.GroupOf(scope), Context.ConnectionAborted);
        connections.Add(Context.ConnectionId, scope);
    }

    /// <summary>SignalR takes the connection out of its group by itself.</summary>
    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context.ConnectionId);
        return Task.CompletedTask;
    }

    /// <summary>The current snapshot of the caller's scope (computed on the spot if there is none yet); null without a scope.</summary>
    public async Task<DashboardSnapshot?> GetSnapshot() =>
        Context.Items.TryGetValue(ScopeItem, out var item) && item is DashboardScope scope
            ? await notifier.GetSnapshotAsync(scope, Context.ConnectionAborted)
            : null;
}
