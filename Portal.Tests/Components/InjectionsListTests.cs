using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.Injections;
using Portal.Core.Auditing;
using Portal.Core.Identity;
using Portal.Core.Injections;
using Portal.Core.Injections.Queries;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Components;

public class InjectionsListTests : BunitTestContext, IAsyncLifetime
{
    private InjectionTestKit data = default!;

    // Re-implemented so that each test gets its own copy of the seeded database before rendering.
    async Task IAsyncLifetime.InitializeAsync()
    {
        data = await InjectionTestKit.CreateAsync();
        Services.AddSingleton(data.Service);
    }

    // IAsyncLifetime.DisposeAsync stays the base class's (it disposes the context and restores the culture).

    [Fact]
    public void District_admin_sees_masked_rows_of_their_district_and_no_reveal_button()
    {
        var grid = RenderGrid(InjectionTestKit.XuhuiAdmin);

        grid.WaitForAssertion(() => Assert.Equal(2, Rows(grid).Count));
        Assert.All(Rows(grid), row => Assert.Contains(row.QuerySelectorAll("td"), td => td.TextContent.Trim() == "310104********1234"));
        Assert.All(Rows(grid), row => Assert.Contains(row.QuerySelectorAll("td"), td => td.TextContent.Trim() == "138****5678"));
        Assert.Contains("张*丰", grid.Markup);
        Assert.Empty(grid.FindAll(".injection-reveal"));
        Assert.DoesNotContain(InjectionTestKit.ZhangIdNumber, grid.Markup);
        Assert.DoesNotContain("张三丰", grid.Markup);
        Assert.DoesNotContain("310105********2345", grid.Markup);
    }

    [Fact]
    public void Doctor_sees_a_reveal_button_on_each_row()
    {
        var grid = RenderGrid(data.DoctorAtSiteA);

        grid.WaitForAssertion(() => Assert.Equal(2, Rows(grid).Count));
        Assert.Equal(2, grid.FindAll("button.injection-reveal").Count);
        Assert.DoesNotContain(InjectionTestKit.ZhangIdNumber, grid.Markup);
    }

    [Fact]
    public async Task Reveal_shows_the_full_numbers_and_is_audited()
    {
        var grid = RenderGrid(data.DoctorAtSiteA);
        grid.WaitForAssertion(() => Assert.Equal(2, grid.FindAll("button.injection-reveal").Count));

        grid.Find($"button.injection-reveal[data-injection='{data.XuhuiRecent}']").Click();

        grid.WaitForAssertion(() => Assert.Equal(InjectionTestKit.ZhangIdNumber, grid.Find(".injection-revealed [data-field=id-number]").TextContent));
        Assert.Equal(InjectionTestKit.ZhangPhone, grid.Find(".injection-revealed [data-field=phone]").TextContent);
        Assert.Contains("审计", grid.Find(".injection-revealed").TextContent);
        await using var db = data.Db.CreateDbContext();
        Assert.Equal(AuditActions.RevealPersonalData, Assert.Single(db.AuditEntries).Action);
    }

    [Fact]
    public void Rows_are_plain_text_cells_in_the_grid_with_a_stable_id()
    {
        var grid = RenderGrid(InjectionTestKit.CityAdmin);

        grid.WaitForAssertion(() => Assert.Equal(3, Rows(grid).Count));
        var root = grid.Find("#injections-grid");
        var row = root.QuerySelectorAll("tbody tr").Single(r => r.QuerySelectorAll("td").Any(td => td.TextContent == "310105********2345"));
        var cells = row.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Contains("2025-03-06 09:00", cells);
        Assert.Contains("李四", cells);
        Assert.Contains("女", cells);
        Assert.Contains("长宁区", cells);
        Assert.Contains("—", cells);
        Assert.Equal(3, grid.FindAll("button.injection-reveal").Count);
    }

    [Fact]
    public void Headers_follow_the_ui_culture()
    {
        UseCulture("en");
        var grid = RenderGrid(InjectionTestKit.XuhuiAdmin);

        grid.WaitForAssertion(() => Assert.Equal(2, Rows(grid).Count));
        var headers = grid.FindAll("thead th").Select(th => th.TextContent.Trim()).ToList();
        Assert.Contains(headers, h => h.StartsWith("ID number", StringComparison.Ordinal));
        Assert.Contains(headers, h => h.StartsWith("Doctor", StringComparison.Ordinal));
        Assert.Contains("Male", Rows(grid)[0].TextContent);
    }

    [Fact]
    public void Page_reads_the_scope_from_the_sign_in_and_links_the_export_to_the_filter()
    {
        SignIn("市疾控", Roles.CityAdmin, StaffPolicies.Of(Roles.CityAdmin),
            new Claim(ClaimTypes.NameIdentifier, "city-1"), new Claim(StaffClaimTypes.ScopeKind, nameof(DataScopeKind.City)));
        RenderPopoverProvider();

        var page = Render<Injections>();

        Assert.Contains("接种记录", page.Find("h1").TextContent);
        var export = page.Find("a.injection-export");
        Assert.Equal("/exports/injections.xlsx?from=2025-03-02&to=2025-03-08", export.GetAttribute("href"));
        Assert.True(export.HasAttribute("download"));
        Assert.NotEmpty(page.FindAll(".injection-district"));
        // The seeded injections are from 2025-03-06 and 2025-03-07: inside the default last seven days.
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("#injections-grid tbody tr.mud-table-row").Count));
    }

    [Fact]
    public void Page_hides_the_district_choice_from_a_district_admin()
    {
        SignIn("徐汇区管理员", Roles.DistrictAdmin, StaffPolicies.Of(Roles.DistrictAdmin),
            new Claim(StaffClaimTypes.ScopeKind, nameof(DataScopeKind.District)), new Claim(StaffClaimTypes.ScopeDistrict, InjectionTestKit.Xuhui));
        RenderPopoverProvider();

        var page = Render<Injections>();

        Assert.Empty(page.FindAll(".injection-district"));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("#injections-grid tbody tr.mud-table-row")));
        Assert.Empty(page.FindAll(".injection-reveal"));
    }

    private IRenderedComponent<InjectionsGrid> RenderGrid(StaffScope scope)
    {
        RenderPopoverProvider();
        return Render<InjectionsGrid>(p => p
            .Add(g => g.Scope, scope)
            .Add(g => g.Filter, new InjectionFilter()));
    }

    private static IReadOnlyList<AngleSharp.Dom.IElement> Rows(IRenderedComponent<InjectionsGrid> grid) =>
        [.. grid.FindAll("#injections-grid tbody tr.mud-table-row")];
}
