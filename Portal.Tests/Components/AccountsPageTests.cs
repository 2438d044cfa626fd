using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.Identity.Accounts;
using Portal.Core.Identity;
using Portal.Core.Sites;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Components;

/// <summary>The accounts page, which had no component test: who may open it, what it lists (roles, data scope, lock,
/// status) in both languages, what it leaves out, and its search.</summary>
public sealed class AccountsPageTests : BunitTestContext, IAsyncLifetime
{
    private const string WangPhone = "13912345678";

    async Task IAsyncLifetime.InitializeAsync()
    {
        var db = await TestDatabase.SqliteAsync();
        Services.AddSingleton<IDbContextFactory<PortalDbContext>>(db);
        await using var ctx = db.CreateDbContext();
        var street = await ctx.Streets.OrderBy(s => s.Code).FirstAsync(s => s.DistrictCode == "310115");
        var site = new Site { Code = "T-PD-01", Name = "浦东测试门诊", Kind = SiteKind.Clinic, DistrictCode = "310115", StreetCode = street.Code, Address = "世纪大道1号" };
        ctx.Sites.Add(site);
        await ctx.SaveChangesAsync();

        var now = Clock.GetUtcNow();
        StaffUser User(string userName, string displayName, DataScopeKind kind) => new()
        {
            Id = "u-" + userName, UserName = userName, NormalizedUserName = userName.ToUpperInvariant(), DisplayName = displayName,
            ScopeKind = kind, SecurityStamp = Guid.NewGuid().ToString(), CreatedAt = now,
        };
        var city = User("city.li", "李市疾控", DataScopeKind.City);
        var district = User("pudong.zhao", "赵区管理员", DataScopeKind.District);
        district.ScopeDistrictCode = "310115";
        var doctor = User("doctor.wang", "王医生", DataScopeKind.Site);
        doctor.ScopeSiteId = site.Id;
        doctor.PhoneNumber = WangPhone;
        doctor.LockoutEnd = now.AddHours(2); // 11:30 in Shanghai
        var retired = User("retired.qian", "钱退休", DataScopeKind.City);
        retired.IsActive = false;
        retired.LockoutEnd = now.AddDays(-1); // a lock that has run out is not shown
        ctx.Users.AddRange(city, district, doctor, retired);

        var roles = new[] { Roles.CityAdmin, Roles.DistrictAdmin, Roles.Doctor, Roles.SiteAdmin }
            .Select(r => new IdentityRole(r) { Id = "r-" + r, NormalizedName = r.ToUpperInvariant() }).ToDictionary(r => r.Name!);
        ctx.Roles.AddRange(roles.Values);
        ctx.UserRoles.AddRange(
            new IdentityUserRole<string> { UserId = city.Id, RoleId = roles[Roles.CityAdmin].Id },
            new IdentityUserRole<string> { UserId = district.Id, RoleId = roles[Roles.DistrictAdmin].Id },
            new IdentityUserRole<string> { UserId = doctor.Id, RoleId = roles[Roles.Doctor].Id },
            new IdentityUserRole<string> { UserId = doctor.Id, RoleId = roles[Roles.SiteAdmin].Id },
            new IdentityUserRole<string> { UserId = retired.Id, RoleId = roles[Roles.CityAdmin].Id });
        await ctx.SaveChangesAsync();
    }

    [Fact]
    public void Only_the_system_administrator_may_open_the_page()
    {
        var attribute = Assert.Single(typeof(Accounts).GetCustomAttributes(typeof(AuthorizeAttribute), true).Cast<AuthorizeAttribute>());

        Assert.Equal(Policies.ManageAccounts, attribute.Policy);
        // From the product's real role-to-policy map, not restated here.
        Assert.Equal([Roles.SystemAdmin], Roles.All.Where(r => StaffPolicies.Of(r).Contains(Policies.ManageAccounts)));
    }

    [Fact]
    public void Lists_every_account_by_user_name_with_roles_scope_lock_and_status()
    {
        SignIn("张伟", Roles.SystemAdmin, StaffPolicies.Of(Roles.SystemAdmin));

        var rows = RenderRows();

        Assert.Equal(["city.li", "doctor.wang", "pudong.zhao", "retired.qian"], rows.Select(r => r[0]));
        Assert.Equal(["李市疾控", "市级管理员", "全市", "—", "启用"], rows[0][1..]);
        Assert.Equal(["接种医生", "接种点管理员"], rows[1][2].Split('、').Order(StringComparer.Ordinal)); // both roles, in no set order
        Assert.Equal("接种点：浦东测试门诊", rows[1][3]);
        Assert.Equal("2025-03-08 11:30", rows[1][4]); // China time, not the UTC 03:30
        Assert.Equal(["区级管理员", "区：浦东新区", "—", "启用"], rows[2][2..]);
        Assert.Equal(["—", "停用"], rows[3][4..]);
    }

    [Fact]
    public void Shows_no_phone_number_or_password_material()
    {
        SignIn("张伟", Roles.SystemAdmin, StaffPolicies.Of(Roles.SystemAdmin));

        var page = Render<Accounts>();
        page.WaitForAssertion(() => Assert.Contains("doctor.wang", page.Markup), TimeSpan.FromSeconds(10));

        Assert.DoesNotContain(WangPhone, page.Markup);
        Assert.DoesNotContain("139****5678", page.Markup);
        Assert.DoesNotContain("SecurityStamp", page.Markup);
    }

    [Theory]
    [InlineData("DOCTOR", "doctor.wang")] // user name, any case
    [InlineData("赵区", "pudong.zhao")]   // display name
    public void Searches_by_user_name_or_display_name(string search, string found)
    {
        SignIn("张伟", Roles.SystemAdmin, StaffPolicies.Of(Roles.SystemAdmin));
        var page = Render<Accounts>();
        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("#accounts-table tbody tr").Count), TimeSpan.FromSeconds(10));

        page.Find("#accounts-table input").Input(search);
        Clock.Advance(TimeSpan.FromSeconds(1)); // the search box's debounce runs on the components' TimeProvider

        page.WaitForAssertion(() => Assert.Equal([found], page.FindAll("#accounts-table tbody tr").Select(r => r.QuerySelector("td")!.TextContent.Trim())),
            TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Is_english_under_the_en_culture()
    {
        UseCulture("en");
        SignIn("Zhang Wei", Roles.SystemAdmin, StaffPolicies.Of(Roles.SystemAdmin));

        var rows = RenderRows();

        Assert.Equal(["City administrator", "City-wide", "—", "Active"], rows[0][2..]);
        Assert.Equal("Site: 浦东测试门诊", rows[1][3]);
        Assert.Equal("District: 浦东新区", rows[2][3]);
        Assert.Equal("Inactive", rows[3][5]);
    }

    private List<string[]> RenderRows()
    {
        var page = Render<Accounts>();
        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("#accounts-table tbody tr").Count), TimeSpan.FromSeconds(10));
        return page.FindAll("#accounts-table tbody tr")
            .Select(tr => tr.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray()).ToList();
    }
}
