using Microsoft.AspNetCore.Identity;

namespace Portal.Core.Identity;

/// <summary>A staff account (CDC, district, site, doctor, employer, or one of the MLPS admins).
/// Residents are not staff users: they sign in to the resident API with an SMS code.</summary>
public class StaffUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    /// <summary>What part of the city this account may see.</summary>
    public DataScopeKind ScopeKind { get; set; }

    /// <summary>6-digit district code when <see cref="ScopeKind"/> is District.</summary>
    public string? ScopeDistrictCode { get; set; }

    /// <summary>Site id when <see cref="ScopeKind"/> is Site (doctors and site admins).</summary>
    public long? ScopeSiteId { get; set; }

    /// <summary>Employer id when <see cref="ScopeKind"/> is Employer.</summary>
    public long? ScopeEmployerId { get; set; }

    /// <summary>Preferred UI culture ("zh-CN" or "en"); the cookie wins when present.</summary>
    public string? PreferredCulture { get; set; }

    public bool IsActive { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
}
