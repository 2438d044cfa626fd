using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Portal.Core.Dashboard;
using Portal.Live;

namespace Portal.Hubs;

/// <summary>
/// Live figures for clients outside Blazor (wall displays, the PDA app). The server pushes
/// <see cref="LiveRoutes.SnapshotMessage"/> and <see cref="LiveRoutes.InjectionMessage"/>; clients may call
/// <see cref="GetSnapshot"/> on connecting. Blazor pages never connect here: they subscribe to
/// <see cref="LiveDashboardNotifier"/> in process.
/// </summary>
/// <remarks>
/// Any authenticated principal may connect: a console cookie or a bearer token (PDA; WebSocket clients
/// send it as the <c>access_token</c> query parameter). <see cref="LiveUpdatesExtensions.MapLiveUpdates"/>
/// names both schemes, since the default policy would only look at the cookie. The figures are city-wide
/// aggregates without personal data. "Live:AllowAnonymousScreens" lifts the requirement on the endpoint
/// (test hosts, a kiosk on a closed network).
/// </remarks>
[Authorize]
public sealed class LiveHub(LiveDashboardNotifier notifier) : Hub
{
    /// <summary>The current snapshot, computed on the spot if none has been yet.</summary>
    public Task<DashboardSnapshot> GetSnapshot() => notifier.GetSnapshotAsync(Context.ConnectionAborted);
}
