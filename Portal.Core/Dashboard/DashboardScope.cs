using System.Globalization;
using Portal.Core.Identity;
using Portal.Core.Injections;

namespace Portal.Core.Dashboard;

/// <summary>
/// Whose figures a live screen shows: the whole city, one district, one site or one employer. The one key that
/// the big screen, the live hub and the notifier's per-scope caches use, always derived from a
/// <see cref="StaffScope"/> through <see cref="For"/>, so a screen can never be wider than its viewer's data scope.
/// </summary>
/// <remarks>Value equality on <see cref="Key"/>: two viewers of the same district share one composed snapshot.</remarks>
public sealed record DashboardScope
{
    private Func<ScopePlace, bool>? covers;

    private DashboardScope(DataScopeKind kind, string? districtCode = null, long? siteId = null, long? employerId = null)
    {
        Kind = kind;
        DistrictCode = districtCode;
        SiteId = siteId;
        EmployerId = employerId;
    }

    /// <summary>The roles that may watch a live screen or see statistics: the ViewStatistics policy is built from this
    /// list (<c>Portal/Identity/IdentityExtensions.cs</c>), and the hub admits exactly these.</summary>
    public static readonly IReadOnlyList<string> ViewerRoles = [Roles.CityAdmin, Roles.DistrictAdmin, Roles.SiteAdmin, Roles.EmployerAdmin];

    public static DashboardScope City { get; } = new(DataScopeKind.City);

    public DataScopeKind Kind { get; }

    /// <summary>Set for <see cref="DataScopeKind.District"/> only.</summary>
    public string? DistrictCode { get; }

    /// <summary>Set for <see cref="DataScopeKind.Site"/> only.</summary>
    public long? SiteId { get; }

    /// <summary>Set for <see cref="DataScopeKind.Employer"/> only.</summary>
    public long? EmployerId { get; }

    /// <summary>"city", "district:310104", "site:12" or "employer:7": for logs, caches and clients.</summary>
    public string Key => Kind switch
    {
        DataScopeKind.City => "city",
        DataScopeKind.District => $"district:{DistrictCode}",
        DataScopeKind.Site => $"site:{SiteId!.Value.ToString(CultureInfo.InvariantCulture)}",
        _ => $"employer:{EmployerId!.Value.ToString(CultureInfo.InvariantCulture)}",
    };

    /// <summary>The screen of <paramref name="scope"/>'s data scope, or null when it names none (an invalid scope
    /// sees no figures at all). Roles are not looked at here: who may open a screen is the caller's policy.</summary>
    public static DashboardScope? For(StaffScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (!scope.IsValid)
            return null;
        return scope.Kind switch
        {
            DataScopeKind.City => City,
            DataScopeKind.District => new DashboardScope(DataScopeKind.District, districtCode: scope.DistrictCode!.Trim()),
            DataScopeKind.Site => new DashboardScope(DataScopeKind.Site, siteId: scope.SiteId),
            DataScopeKind.Employer => new DashboardScope(DataScopeKind.Employer, employerId: scope.EmployerId),
            _ => null,
        };
    }

    /// <summary>Whether a row of figures at <paramref name="place"/> counts in this scope: the data scope's one rule
    /// (<see cref="DataScope.Rule"/>), compiled once per scope, so a screen counts what the console's lists show.</summary>
    public bool Covers(ScopePlace place) =>
        (covers ??= DataScope.Predicate(new StaffScope(null, Key, Key, [], Kind, DistrictCode, SiteId, EmployerId)))(place);

    /// <summary>Whether an injection counts in this scope: given at a site of the district, at the site, or to a member
    /// of the employer's staff.</summary>
    public bool Covers(InjectionRecorded injection)
    {
        ArgumentNullException.ThrowIfNull(injection);
        return Covers(new ScopePlace(injection.DistrictCode, injection.SiteId, injection.EmployerId));
    }

    /// <summary>The injection as a ticker of this scope may show it, or null when it is outside the scope. District and
    /// site screens do not get the employer id: the resident's employer may belong to another district.</summary>
    public InjectionRecorded? Visible(InjectionRecorded injection) =>
        !Covers(injection) ? null
        : Kind is DataScopeKind.District or DataScopeKind.Site ? injection with { EmployerId = null }
        : injection;

    public override string ToString() => Key;

    // The compiled rule is a cache, not part of the value.
    public bool Equals(DashboardScope? other) => other is not null && string.Equals(Key, other.Key, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key);
}
