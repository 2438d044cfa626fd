using Microsoft.EntityFrameworkCore;
using Portal.Core.Areas;
using Portal.Core.Identity;

namespace Portal.Core.Sites;

/// <summary>One line of the console's site list (接种点管理): names of the district and street, not their codes.</summary>
public sealed record SiteAdminRow(long Id, string Code, string Name, SiteKind Kind, string DistrictName, string StreetName,
    string Address, string Phone, IReadOnlyList<OpeningHours> OpeningHours);

/// <summary>The console's view of the sites, limited to the caller's data scope (<see cref="DataScope"/>); the public
/// directory residents see is <see cref="SiteDirectory"/>.</summary>
public sealed class SiteAdminService(IDbContextFactory<DbContext> contexts)
{
    /// <summary>The sites the caller may see, by district and code, inactive and past ones included.</summary>
    public async Task<IReadOnlyList<SiteAdminRow>> ListAsync(StaffScope scope, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var sites = await db.Set<Site>().AsNoTracking().Include(s => s.OpeningHours).WithinScope(scope)
            .OrderBy(s => s.DistrictCode).ThenBy(s => s.Code).ToListAsync(ct);
        var districtCodes = sites.Select(s => s.DistrictCode).Distinct().ToList();
        var streetCodes = sites.Select(s => s.StreetCode).Distinct().ToList();
        var districts = await db.Set<District>().AsNoTracking().Where(d => districtCodes.Contains(d.Code)).ToDictionaryAsync(d => d.Code, d => d.Name, ct);
        var streets = await db.Set<Street>().AsNoTracking().Where(s => streetCodes.Contains(s.Code)).ToDictionaryAsync(s => s.Code, s => s.Name, ct);
        return sites.Select(s => new SiteAdminRow(s.Id, s.Code, s.Name, s.Kind,
            districts.GetValueOrDefault(s.DistrictCode, s.DistrictCode), streets.GetValueOrDefault(s.StreetCode, s.StreetCode),
            s.Address, s.Phone, s.OpeningHours)).ToList();
    }
}
