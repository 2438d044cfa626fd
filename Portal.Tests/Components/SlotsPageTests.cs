using System.Security.Claims;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Common;
using Portal.Core.Identity;
using Portal.Core.Slots;
using Portal.Tests.TestSupport;
using SlotsPage = Portal.Components.Pages.Slots.Slots;

namespace Portal.Tests.Components;

public class SlotsPageTests : BunitTestContext, IAsyncLifetime
{
    private TestDatabase db = default!;
    private long siteId;

    async Task IAsyncLifetime.InitializeAsync()
    {
        db = await TestDatabase.SqliteAsync();
        Services.AddSingleton(new SlotAdminService(db, Clock));
        Services.AddSingleton(new StockCapacityService(db, Clock));
        Services.AddSingleton(new SlotGenerator(db, Clock, Options.Create(new SlotOptions())));
        var site = await SlotTestKit.SiteAsync(db);
        siteId = site.Id;
        var product = await SlotTestKit.ProductAsync(db, "HPV9-GARDASIL9");
        var today = ChinaTime.Today(Clock);
        await SlotTestKit.SlotAsync(db, site.Id, product.Id, today.AddDays(1), capacity: 12, booked: 5);
        await SlotTestKit.SlotAsync(db, site.Id, product.Id, today.AddDays(2), capacity: 30);
        var lot = await SlotTestKit.LotAsync(db, product.Id, today.AddYears(1));
        await using var ctx = db.CreateDbContext();
        ctx.LotStocks.Add(new Portal.Core.Vaccines.LotStock { SiteId = site.Id, LotId = lot.Id, OnHand = 77, UpdatedAt = Clock.GetUtcNow() });
        await ctx.SaveChangesAsync();
    }

    private IRenderedComponent<SlotsPage> RenderAsSiteAdmin()
    {
        SignIn("门诊管理员", Roles.SiteAdmin, StaffPolicies.Of(Roles.SiteAdmin),
            new Claim(StaffClaimTypes.ScopeKind, nameof(DataScopeKind.Site)), new Claim(StaffClaimTypes.ScopeSite, siteId.ToString()));
        RenderPopoverProvider();
        return Render<SlotsPage>();
    }

    [Fact]
    public void Grid_lists_the_sites_slots_and_the_stock_figure()
    {
        var page = RenderAsSiteAdmin();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("#slots-grid tbody tr.mud-table-row").Count), TimeSpan.FromSeconds(10));
        Assert.Equal(["12", "30"], page.FindAll("#slots-grid td.slot-capacity").Select(td => td.TextContent.Trim()));
        Assert.Equal(["5", "0"], page.FindAll("#slots-grid td.slot-booked").Select(td => td.TextContent.Trim()));
        Assert.Contains("佳达修9", page.Find("#slots-grid").TextContent);
        page.WaitForAssertion(() => Assert.Equal("77", page.Find("#slots-stock td.stock-bookable").TextContent.Trim()));
    }

    [Fact]
    public async Task A_stale_edit_shows_changed_by_someone_else_and_reloads()
    {
        var page = RenderAsSiteAdmin();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("#slots-grid button.slot-toggle").Count), TimeSpan.FromSeconds(10));

        // Someone else edits the first slot after the page loaded it.
        await using (var ctx = db.CreateDbContext())
            await ctx.Slots.Where(s => s.SiteId == siteId && s.Capacity == 12).ExecuteUpdateAsync(u => u.SetProperty(s => s.Capacity, 15).SetProperty(s => s.Version, 1));

        await page.Find("#slots-grid button.slot-toggle").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("已被他人修改", page.Find("#slots-message").TextContent), TimeSpan.FromSeconds(10));
        page.WaitForAssertion(() => Assert.Equal("15", page.FindAll("#slots-grid td.slot-capacity")[0].TextContent.Trim()));
    }
}
