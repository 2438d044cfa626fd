using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Identity;
using Portal.Data;

namespace Portal.Identity;

/// <summary>Roles always; the demo accounts listed in the README only with demo data (Development).</summary>
public sealed class StaffAccountSeeder(
    RoleManager<IdentityRole> roles,
    UserManager<StaffUser> users,
    IUserStore<StaffUser> store,
    IOptions<SecurityOptions> security,
    IHostEnvironment environment,
    TimeProvider clock)
{
    public const string DemoPassword = "BlazorVax@2026";

    /// <summary>The authenticator secret (base32, RFC 6238) of every demo account whose role needs a second factor, in
    /// Development only, so that a newcomer can sign in as cdc at once (README "Demo accounts"). Public: it must never
    /// protect a real account, which is why it is seeded nowhere else.</summary>
    public const string DemoAuthenticatorKey = "BLAZORVAXDEMOKEYBLAZORVAXDEMOKEY";

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
            if (await users.FindByNameAsync(a.UserName) is { } existing)
            {
                await SeedDemoSecondFactorAsync(existing, a.Role, ct);
                continue;
            }
            var user = new StaffUser
            {
                UserName = a.UserName, DisplayName = a.Name, ScopeKind = a.Kind, ScopeDistrictCode = a.District,
                ScopeSiteId = a.Site, ScopeEmployerId = a.Employer, CreatedAt = clock.GetUtcNow(), LockoutEnabled = true,
            };
            Check(await users.CreateAsync(user, DemoPassword));
            Check(await users.AddToRoleAsync(user, a.Role));
            await SeedDemoSecondFactorAsync(user, a.Role, ct);
        }
    }

    /// <summary>Development only: a demo account in a role that needs a second factor gets the demo authenticator, unless
    /// it already has an authenticator of its own. Elsewhere such accounts set one up at their first sign-in.</summary>
    private async Task SeedDemoSecondFactorAsync(StaffUser user, string role, CancellationToken ct)
    {
        if (!environment.IsDevelopment() || !security.Value.EffectiveTwoFactorRoles.Contains(role)
            || !string.IsNullOrEmpty(await users.GetAuthenticatorKeyAsync(user)))
            return;
        await ((IUserAuthenticatorKeyStore<StaffUser>)store).SetAuthenticatorKeyAsync(user, DemoAuthenticatorKey, ct);
        Check(await users.SetTwoFactorEnabledAsync(user, true));
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException("Seeding staff accounts failed: " + string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
