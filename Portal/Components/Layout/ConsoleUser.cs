using System.Globalization;
using System.Security.Claims;
using Portal.Core.Common;
using Portal.Core.Identity;

namespace Portal.Components.Layout;

/// <summary>What the app bar and the home page show about the signed-in staff member, read from the
/// cookie's claims (<see cref="StaffScope.From"/>) so that a long-lived circuit does not hold a database context.</summary>
public sealed record ConsoleUser(string DisplayName, string? Role, DataScopeKind? Scope)
{
    public static ConsoleUser From(ClaimsPrincipal user)
    {
        var scope = StaffScope.From(user);
        // Accounts have one role; should one ever have several, the most senior (first in Roles.All) is shown.
        var role = Roles.All.FirstOrDefault(scope.Roles.Contains);
        return new ConsoleUser(scope.DisplayName, role, scope.Kind);
    }

    public string RoleName(CultureInfo culture)
    {
        if (Role is null)
        {
            return "";
        }

        var (zh, en) = Roles.DisplayName(Role);
        return new Bilingual(zh, en).For(culture);
    }

    /// <summary>Resource key of the data scope's label, or null when the cookie carries no scope.</summary>
    public string? ScopeLabelKey => Scope switch
    {
        DataScopeKind.City => "Scope_City",
        DataScopeKind.District => "Scope_District",
        DataScopeKind.Site => "Scope_Site",
        DataScopeKind.Employer => "Scope_Employer",
        _ => null,
    };
}
