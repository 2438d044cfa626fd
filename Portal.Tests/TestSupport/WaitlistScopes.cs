using Portal.Core.Identity;

namespace Portal.Tests.TestSupport;

/// <summary>Staff scopes for the waitlist console's service, as the console builds them from the sign-in cookie.</summary>
public static class WaitlistScopes
{
    public static StaffScope City { get; } = new("admin", "cdc", "市疾控 管理员", [Roles.CityAdmin], DataScopeKind.City);

    public static StaffScope District(string code) => new($"district-{code}", $"district-{code}", "区级管理员", [Roles.DistrictAdmin], DataScopeKind.District, code);

    public static StaffScope Site(long id) => new($"site-{id}", $"site-{id}", "接种点管理员", [Roles.SiteAdmin], DataScopeKind.Site, SiteId: id);

    /// <summary>A cookie whose scope claims are missing or malformed.</summary>
    public static StaffScope Invalid { get; } = new("broken", "broken", "broken", [Roles.DistrictAdmin], null);
}
