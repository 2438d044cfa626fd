using System.Globalization;
using System.Security.Claims;
using Portal.Api;
using Portal.Core.Dashboard;
using Portal.Core.Identity;
using Portal.Identity;

namespace Portal.Dashboard;

/// <summary>
/// Who may watch live figures, and which: the one rule for the big screen and the live hub.
/// <list type="bullet">
/// <item>Staff signed in to the console with a role of the ViewStatistics policy (<see cref="DashboardScope.ViewerRoles"/>)
/// see their account's data scope.</item>
/// <item>A PDA token (a doctor or site administrator) sees the site it signed in for.</item>
/// <item>Nobody else: residents' tokens, the MLPS administrators, doctors in the console, anonymous callers.</item>
/// </list>
/// </summary>
public static class LiveAudience
{
    /// <summary>Authorization policy of <see cref="LiveRoutes.Hub"/> (registered by AddLiveUpdates).</summary>
    public const string Policy = "LiveScreens";

    /// <summary>The scope <paramref name="user"/> may watch, or null for none. A principal signed in twice (cookie and
    /// token in one request) gets a scope only when both agree or one of them gives none.</summary>
    public static DashboardScope? ScopeOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var scopes = user.Identities.Where(i => i.IsAuthenticated).Select(ScopeOf).OfType<DashboardScope>().Distinct().ToList();
        return scopes.Count == 1 ? scopes[0] : null;
    }

    private static DashboardScope? ScopeOf(ClaimsIdentity identity)
    {
        var staff = StaffScope.From(new ClaimsPrincipal(identity));
        // Every bearer token the Portal issues names its kind; the console's cookie carries none.
        switch (identity.FindFirst(TokenClaims.Kind)?.Value)
        {
            case null:
                return staff.Roles.Any(DashboardScope.ViewerRoles.Contains) ? DashboardScope.For(staff) : null;
            case TokenClaims.PdaKind:
                if (!staff.Roles.Any(r => r is Roles.Doctor or Roles.SiteAdmin)
                    || !long.TryParse(identity.FindFirst(PdaApi.SiteClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var site))
                    return null;
                return DashboardScope.For(staff with { Kind = DataScopeKind.Site, SiteId = site, DistrictCode = null, EmployerId = null });
            default:
                return null;
        }
    }
}
