using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Identity;
using Portal.Data;

namespace Portal.Identity;

/// <summary>Roles always; the demo accounts listed in the README only with demo data (Development).</summary>
public sealed class StaffAccountSeeder(RoleManager<IdentityRole> roles, UserManager<StaffUser> users, TimeProvider clock)
{
    public const string DemoPassword = "BlazorVax@2026";

    public async Task SeedRolesAsync()
    {
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole(role)));
    }

    public async Task SeedDemoAccountsAsync(PortalDbContext db, CancellationToken ct = default)
    {
        var site = await db.Sites.OrderBy(s => s.Code).FirstAsync(ct);
        var employer = await db.Employers.OrderBy(e => e.Id).FirstAsync(ct);
        var accounts = new (string UserName, string Name, string Role, DataScopeKind Kind, string? District, long? Site, long? Employer)[]
        {
            ("cdc", "市疾控 管理员", Roles.CityAdmin, DataScopeKind.City, null, null, null),
            ("pudong", "浦东新区 管理员", Roles.DistrictAdmin, DataScopeKind.District, "310115", null, null),
            ("clinic", $"{site.Name} 管理员", Roles.SiteAdmin, DataScopeKind.Site, site.DistrictCode, site.Id, null),
            ("doctor", "李医生", Roles.Doctor, DataScopeKind.Site, site.DistrictCode, site.Id, null),
            ("employer", $"{employer.Name} 管理员", Roles.EmployerAdmin, DataScopeKind.Employer, employer.DistrictCode, null, employer.Id),
            ("sysadmin", "系统管理员", Roles.SystemAdmin, DataScopeKind.City, null, null, null),
            ("secadmin", "安全管理员", Roles.SecurityAdmin, DataScopeKind.City, null, null, null),
            ("auditor", "审计管理员", Roles.AuditAdmin, DataScopeKind.City, null, null, null),
        };
        foreach (var a in accounts)
        {
            if (await users.FindByNameAsync(a.UserName) is not null) continue;
            var user = new StaffUser
            {
                UserName = a.UserName, DisplayName = a.Name, ScopeKind = a.Kind, ScopeDistrictCode = a.District,
                ScopeSiteId = a.Site, ScopeEmployerId = a.Employer, CreatedAt = clock.GetUtcNow(), LockoutEnabled = true,
            };
            Check(await users.CreateAsync(user, DemoPassword));
            Check(await users.AddToRoleAsync(user, a.Role));
        }
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException("Seeding staff accounts failed: " + string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
