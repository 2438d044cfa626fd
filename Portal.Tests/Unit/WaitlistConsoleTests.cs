using System.Security.Claims;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Pages.Waitlist;
using Portal.Core.Booking;
using Portal.Core.Identity;
using Portal.Core.Waitlist;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Unit;

/// <summary>The /waitlist console page (bUnit) over a real SQLite file.</summary>
public class WaitlistConsoleTests : BunitTestContext, IAsyncLifetime
{
    private WaitlistTestKit _kit = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _kit = await WaitlistTestKit.CreateAsync(await TestDatabase.SqliteAsync());
        Services.AddSingleton(_kit.Allocation);
    }

    [Fact]
    public async Task Shows_waiting_counts_campaigns_and_an_entrys_history()
    {
        var people = await _kit.RegisterManyAsync(3);
        var campaign = await _kit.Allocation.CreateAndDrawAsync(WaitlistScopes.City, new CampaignRequest(_kit.ScarceProductId, 1, AllocationMethod.Lottery, Seed: 99));
        SignIn("市疾控", Roles.CityAdmin, [Policies.ManageUnits], new Claim(StaffClaimTypes.ScopeKind, nameof(DataScopeKind.City)));

        var page = Render<WaitlistConsole>();
        page.WaitForAssertion(() => Assert.Contains(campaign.ResultHash!, page.Markup), TimeSpan.FromSeconds(10));
        Assert.Contains("排队中：2 人", page.Find($"#waitlist-product-{_kit.ScarceProductId}").TextContent);
        Assert.Contains("99", page.Find(".waitlist-campaigns").TextContent);

        page.Find(".waitlist-campaigns button").Click();
        page.WaitForAssertion(() => Assert.Contains("复核一致", page.Markup), TimeSpan.FromSeconds(10));

        page.Find("#waitlist-why input").Input(people[2].EntryId.ToString());
        page.Find(".waitlist-lookup").Click();
        page.WaitForAssertion(() => Assert.Contains("of 3", page.Find(".waitlist-events").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains(WaitlistEventKinds.Registered, page.Find(".waitlist-events").TextContent);
    }

    [Fact]
    public async Task A_district_administrator_s_page_shows_only_their_district_s_campaigns_and_draws_for_it()
    {
        await _kit.RegisterAsync("310101", null);
        await _kit.RegisterAsync("310104", null);
        await _kit.RegisterAsync("310104", null);
        var xuhui = await _kit.Allocation.CreateAndDrawAsync(WaitlistScopes.City, new CampaignRequest(_kit.ScarceProductId, 1, AllocationMethod.Lottery, Seed: 5, DistrictCode: "310104"));
        var huangpu = await _kit.Allocation.CreateAndDrawAsync(WaitlistScopes.District("310101"), new CampaignRequest(_kit.ScarceProductId, 1, AllocationMethod.Lottery, Seed: 6));
        SignIn("黄浦区管理员", Roles.DistrictAdmin, [Policies.ManageUnits],
            new Claim(StaffClaimTypes.ScopeKind, nameof(DataScopeKind.District)), new Claim(StaffClaimTypes.ScopeDistrict, "310101"));

        var page = Render<WaitlistConsole>();

        page.WaitForAssertion(() => Assert.Contains(huangpu.ResultHash!, page.Markup), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(xuhui.ResultHash!, page.Markup);
        Assert.Contains("排队中：0 人", page.Find($"#waitlist-product-{_kit.ScarceProductId}").TextContent); // 徐汇's second entry is not theirs
        var district = page.Find(".waitlist-district input");
        Assert.Equal("310101", district.GetAttribute("value"));
        Assert.True(district.HasAttribute("readonly"));
    }
}
