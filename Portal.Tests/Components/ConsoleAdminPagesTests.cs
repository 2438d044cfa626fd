using System.Security.Claims;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.Auditing;
using Portal.Components.Pages.Sites;
using Portal.Core.Auditing;
using Portal.Core.Identity;
using Portal.Core.Sites;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Components;

/// <summary>The sites and audit pages, which had no component test: what they list, for whom, and their search.</summary>
public sealed class ConsoleAdminPagesTests : BunitTestContext, IAsyncLifetime
{
    private TestDatabase db = null!;
    private Site pudong = null!;
    private Site huangpu = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        db = await TestDatabase.SqliteAsync();
        Services.AddSingleton<IDbContextFactory<PortalDbContext>>(db);
        Services.AddSingleton(new SiteAdminService(db));
        await using var ctx = db.CreateDbContext();
        var pudongStreet = await ctx.Streets.OrderBy(s => s.Code).FirstAsync(s => s.DistrictCode == "310115");
        var huangpuStreet = await ctx.Streets.OrderBy(s => s.Code).FirstAsync(s => s.DistrictCode == "310101");
        pudong = new Site { Code = "T-PD-01", Name = "浦东测试门诊", Kind = SiteKind.Clinic, DistrictCode = "310115", StreetCode = pudongStreet.Code, Address = "世纪大道1号", Phone = "021-50000001" };
        huangpu = new Site { Code = "T-HP-01", Name = "黄浦测试门诊", Kind = SiteKind.Temporary, DistrictCode = "310101", StreetCode = huangpuStreet.Code, Address = "人民路1号", Phone = "021-60000001" };
        ctx.Sites.AddRange(pudong, huangpu);
        ctx.AuditEntries.Add(AuditService.Entry(new StaffScope("u1", "pudong", "浦东区管理员", [], null), AuditActions.Export, "Injection", null, "12 rows", "10.0.0.8", Clock.GetUtcNow().AddMinutes(-5)));
        ctx.AuditEntries.Add(AuditService.Entry(new StaffScope("u2", "clinic", "门诊管理员", [], null), AuditActions.SignIn, "Console", null, "", "10.0.0.9", Clock.GetUtcNow()));
        await ctx.SaveChangesAsync();
    }

    [Fact]
    public void A_city_admin_sees_every_district_s_sites_with_their_district_and_kind()
    {
        SignIn("市疾控", Roles.CityAdmin, StaffPolicies.Of(Roles.CityAdmin), new Claim(StaffClaimTypes.ScopeKind, nameof(DataScopeKind.City)));

        var page = Render<Sites>();

        page.WaitForAssertion(() => Assert.Contains("浦东测试门诊", page.Markup), TimeSpan.FromSeconds(10));
        Assert.Contains("黄浦测试门诊", page.Markup);
        Assert.Contains("黄浦区", page.Markup);
        Assert.Contains("临时接种点", page.Markup);
    }

    [Fact]
    public void A_district_admin_sees_only_their_district_s_sites_and_can_search_them()
    {
        SignIn("浦东区管理员", Roles.DistrictAdmin, StaffPolicies.Of(Roles.DistrictAdmin),
            new Claim(StaffClaimTypes.ScopeKind, nameof(DataScopeKind.District)), new Claim(StaffClaimTypes.ScopeDistrict, "310115"));

        var page = Render<Sites>();

        page.WaitForAssertion(() => Assert.Contains("浦东测试门诊", page.Markup), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("黄浦测试门诊", page.Markup);
        page.Find("#sites-table input").Input("没有这个门诊");
        Clock.Advance(TimeSpan.FromSeconds(1)); // the search box's debounce runs on the components' TimeProvider
        page.WaitForAssertion(() => Assert.DoesNotContain("浦东测试门诊", page.Markup), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void The_audit_page_lists_the_newest_entry_first_in_China_time_and_searches_them()
    {
        SignIn("审计管理员", Roles.AuditAdmin, StaffPolicies.Of(Roles.AuditAdmin));

        var page = Render<Audit>();

        page.WaitForAssertion(() => Assert.Contains("10.0.0.9", page.Markup), TimeSpan.FromSeconds(10));
        var rows = page.FindAll("#audit-table tbody tr");
        Assert.Contains("clinic", rows[0].TextContent);
        Assert.Contains("pudong", rows[1].TextContent);
        // DefaultNow in China time, not UTC.
        Assert.Contains(Portal.Core.Common.ChinaTime.ToChina(Clock.GetUtcNow()).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), rows[0].TextContent);
        page.Find("#audit-table input").Input("10.0.0.8");
        Clock.Advance(TimeSpan.FromSeconds(1));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("#audit-table tbody tr")), TimeSpan.FromSeconds(5));
    }
}
