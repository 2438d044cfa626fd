using System.Globalization;
using System.Security.Claims;

namespace Portal.Core.Identity;

/// <summary>Claim types the sign-in cookie carries for a staff member (issued by
/// <see cref="StaffClaimsPrincipalFactory"/>, read by <see cref="StaffScope.From"/>).</summary>
public static class StaffClaimTypes
{
    public const string DisplayName = "display_name";

    /// <summary>A <see cref="DataScopeKind"/> name: "City", "District", "Site" or "Employer".</summary>
    public const string ScopeKind = "scope_kind";

    /// <summary>6-digit district code of a District-scoped account.</summary>
    public const string ScopeDistrict = "scope_district";

    /// <summary>Site id (invariant digits) of a Site-scoped account.</summary>
    public const string ScopeSite = "scope_site";

    /// <summary>Employer id (invariant digits) of an Employer-scoped account.</summary>
    public const string ScopeEmployer = "scope_employer";

    /// <summary>The console session (<see cref="StaffSession.Id"/>) the cookie belongs to.</summary>
    public const string SessionId = "sid";

    /// <summary>How the console sign-in was proven: <see cref="PasswordOnly"/> or <see cref="MultiFactor"/> (RFC 8176 "amr").</summary>
    public const string AuthenticationMethod = "amr";
    public const string PasswordOnly = "pwd";
    public const string MultiFactor = "mfa";

    /// <summary>On the short-lived cookie between the password and the second factor: "Code" or "Enrol".</summary>
    public const string TwoFactorStep = "two_factor_step";

    /// <summary>On PDA tokens: a hash of the account's security stamp when the token was issued.</summary>
    public const string StampHash = "stamp";
}

/// <summary>Who is asking and what part of the city they may see: built once from the signed-in
/// principal and passed to every service call that reads or audits personal data.</summary>
/// <param name="Kind">Null when the principal carries no valid scope: such a caller sees no rows at all
/// (never the whole city, which is what the enum's default value would mean).</param>
public sealed record StaffScope(
    string? UserId,
    string UserName,
    string DisplayName,
    IReadOnlyList<string> Roles,
    DataScopeKind? Kind,
    string? DistrictCode = null,
    long? SiteId = null,
    long? EmployerId = null)
{
    /// <summary>True when one of the caller's roles may see full ID and phone numbers (each read is audited).</summary>
    public bool MayRevealPersonalData => Roles.Any(global::Portal.Core.Identity.Roles.MayRevealPersonalData.Contains);

    /// <summary>True when the scope names what it is limited to (a City scope needs nothing more).</summary>
    public bool IsValid => Kind switch
    {
        DataScopeKind.City => true,
        DataScopeKind.District => !string.IsNullOrWhiteSpace(DistrictCode),
        DataScopeKind.Site => SiteId is not null,
        DataScopeKind.Employer => EmployerId is not null,
        _ => false,
    };

    public bool IsCityWide => Kind == DataScopeKind.City;

    /// <summary>Reads the claims issued by <see cref="StaffClaimsPrincipalFactory"/>. A missing or malformed
    /// scope claim gives an invalid scope (no rows), never a wider one.</summary>
    public static StaffScope From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var userName = user.Identity?.Name ?? "";
        var displayName = user.FindFirst(StaffClaimTypes.DisplayName)?.Value;
        var roles = user.Identities
            .SelectMany(identity => identity.FindAll(identity.RoleClaimType))
            .Select(c => c.Value)
            .Distinct(StringComparer.Ordinal)
            .ToArray();

        DataScopeKind? kind = Enum.TryParse<DataScopeKind>(user.FindFirst(StaffClaimTypes.ScopeKind)?.Value, ignoreCase: false, out var parsed)
            && Enum.IsDefined(parsed)
                ? parsed
                : null;

        return new StaffScope(
            user.FindFirst(ClaimTypes.NameIdentifier)?.Value,
            userName,
            string.IsNullOrWhiteSpace(displayName) ? userName : displayName,
            roles,
            kind,
            NullIfBlank(user.FindFirst(StaffClaimTypes.ScopeDistrict)?.Value),
            ParseId(user.FindFirst(StaffClaimTypes.ScopeSite)?.Value),
            ParseId(user.FindFirst(StaffClaimTypes.ScopeEmployer)?.Value));
    }

    /// <summary>The claims that describe <paramref name="user"/>'s scope; the inverse of <see cref="From"/>.</summary>
    public static IEnumerable<Claim> ClaimsFor(StaffUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!string.IsNullOrWhiteSpace(user.DisplayName))
            yield return new Claim(StaffClaimTypes.DisplayName, user.DisplayName);
        yield return new Claim(StaffClaimTypes.ScopeKind, user.ScopeKind.ToString());
        if (!string.IsNullOrWhiteSpace(user.ScopeDistrictCode))
            yield return new Claim(StaffClaimTypes.ScopeDistrict, user.ScopeDistrictCode);
        if (user.ScopeSiteId is { } site)
            yield return new Claim(StaffClaimTypes.ScopeSite, site.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64);
        if (user.ScopeEmployerId is { } employer)
            yield return new Claim(StaffClaimTypes.ScopeEmployer, employer.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64);
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static long? ParseId(string? value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
