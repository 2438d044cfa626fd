using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Messaging;
using Portal.Core.Waitlist;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Unit;

/// <summary>Campaign draws, verification, and places passing on (expiry, decline, cancellation), on SQLite files;
/// the draw itself also on PostgreSQL.</summary>
public class WaitlistAllocationTests
{
    internal static async Task DrawScenarioAsync(Task<TestDatabase> database)
    {
        var kit = await WaitlistTestKit.CreateAsync(await database);
        var people = await kit.RegisterManyAsync(8);
        var entryIds = people.Select(p => p.EntryId).ToList();

        // First come, first served: the first three by registration time, ranks 1..3, offer SMS queued.
        var fcfs = await kit.Allocation.CreateAndDrawAsync(WaitlistScopes.City, new CampaignRequest(kit.ScarceProductId, 3, AllocationMethod.FirstComeFirstServed));
        var offers = await kit.OffersAsync(fcfs.Id);
        Assert.Equal(entryIds.Take(3), offers.Select(o => o.EntryId));
        Assert.Equal([1, 2, 3], offers.Select(o => o.Rank));
        Assert.All(offers, o => Assert.Equal(kit.Clock.GetUtcNow().AddHours(48), o.ExpiresAt));
        Assert.Equal((8, 3, (long?)null), (fcfs.Candidates, fcfs.Offered, fcfs.Seed));
        Assert.Equal(WaitlistDraw.Hash(entryIds), fcfs.ResultHash);
        foreach (var id in entryIds.Take(3)) Assert.Equal(WaitlistStatus.Offered, await kit.StatusAsync(id));
        await using (var db = kit.Db.CreateDbContext())
        {
            var keys = offers.Select(o => $"offer:{o.Id}").ToList();
            var sms = await db.SmsOutbox.Where(m => keys.Contains(m.DedupKey)).ToListAsync();
            Assert.Equal(3, sms.Count);
            Assert.All(sms, m => Assert.Equal(SmsTemplateNames.WaitlistOffer, m.Template));
        }
        Assert.True((await kit.Allocation.VerifyDrawAsync(WaitlistScopes.City, fcfs.Id)).Matches);

        // Lottery over the five still waiting, with a given seed: the pure function decides, and it verifies.
        var lottery = await kit.Allocation.CreateAndDrawAsync(WaitlistScopes.City, new CampaignRequest(kit.ScarceProductId, 2, AllocationMethod.Lottery, Seed: 4242));
        var expected = WaitlistDraw.Lottery(4242, entryIds.Skip(3));
        Assert.Equal(expected.Take(2), (await kit.OffersAsync(lottery.Id)).Select(o => o.EntryId));
        Assert.Equal(WaitlistDraw.Hash(expected), lottery.ResultHash);
        Assert.Equal((long?)4242, lottery.Seed);
        var verification = await kit.Allocation.VerifyDrawAsync(WaitlistScopes.City, lottery.Id);
        Assert.True(verification.Matches);
        Assert.Equal(5, verification.Candidates);

        // Without a seed one is chosen and stored; an altered stored result is detected.
        var random = await kit.Allocation.CreateAndDrawAsync(WaitlistScopes.City, new CampaignRequest(kit.ScarceProductId, 1, AllocationMethod.Lottery));
        Assert.NotNull(random.Seed);
        Assert.True((await kit.Allocation.VerifyDrawAsync(WaitlistScopes.City, random.Id)).Matches);
        await using (var db = kit.Db.CreateDbContext())
            await db.WaitlistCampaigns.Where(c => c.Id == random.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.ResultHash, WaitlistDraw.Hash([1, 2, 3])));
        Assert.False((await kit.Allocation.VerifyDrawAsync(WaitlistScopes.City, random.Id)).Matches);

        // The "why" lookup shows the history of an entry that got a place.
        var why = Assert.Single(await kit.Allocation.ExplainAsync(WaitlistScopes.City, entryIds[0].ToString()));
        Assert.Equal([WaitlistEventKinds.Registered, WaitlistEventKinds.Candidate, WaitlistEventKinds.Offered], why.Events.Select(e => e.Kind));
        Assert.Contains("position 1 of 8", why.Events[1].Detail);
    }

    internal static async Task DistrictScopeScenarioAsync(Task<TestDatabase> database)
    {
        const string Huangpu = "310101", Xuhui = "310104";
        var kit = await WaitlistTestKit.CreateAsync(await database);
        var xuhuiSite = await kit.NewSiteAsync(Xuhui);
        var huangpuAdmin = WaitlistScopes.District(Huangpu);
        // a prefers 黄浦, b a site in 徐汇, c nothing, d 徐汇: registered in that order.
        var a = await kit.RegisterAsync(Huangpu, null);
        var b = await kit.RegisterAsync(null, xuhuiSite);
        var c = await kit.RegisterAsync(null, null);
        var d = await kit.RegisterAsync(Xuhui, null);

        // The city draws one place for 徐汇 (candidates b, c, d): b is offered.
        var xuhuiCampaign = await kit.Allocation.CreateAndDrawAsync(WaitlistScopes.City, new CampaignRequest(kit.ScarceProductId, 1, AllocationMethod.FirstComeFirstServed, DistrictCode: Xuhui));
        Assert.Equal((Xuhui, 3), (xuhuiCampaign.DistrictCode, xuhuiCampaign.Candidates));

        // 黄浦's administrator: the entries their draws could reach (a and c), none of 徐汇's campaigns.
        var summary = Assert.Single(await kit.Allocation.SummariesAsync(huangpuAdmin), p => p.ProductId == kit.ScarceProductId);
        Assert.Equal(2, summary.Waiting);
        Assert.Empty(summary.Campaigns);
        Assert.Equal(3, (await kit.Allocation.SummariesAsync(WaitlistScopes.City)).Single(p => p.ProductId == kit.ScarceProductId).Waiting);
        var notYours = await Assert.ThrowsAsync<DomainProblemException>(() => kit.Allocation.VerifyDrawAsync(huangpuAdmin, xuhuiCampaign.Id));
        Assert.Equal(ProblemKind.NotFound, notYours.Kind);

        // They cannot draw for 徐汇; a draw without a district is 黄浦's (candidates a and c).
        var refused = await Assert.ThrowsAsync<DomainValidationException>(() =>
            kit.Allocation.CreateAndDrawAsync(huangpuAdmin, new CampaignRequest(kit.ScarceProductId, 1, AllocationMethod.FirstComeFirstServed, DistrictCode: Xuhui)));
        Assert.Equal("districtCode", Assert.Single(refused.Errors).Field);
        var own = await kit.Allocation.CreateAndDrawAsync(huangpuAdmin, new CampaignRequest(kit.ScarceProductId, 1, AllocationMethod.FirstComeFirstServed));
        Assert.Equal((Huangpu, 2), (own.DistrictCode, own.Candidates));
        Assert.Equal([a], (await kit.OffersAsync(own.Id)).Select(o => o.EntryId));
        await using (var db = kit.Db.CreateDbContext())
            Assert.Equal(Huangpu, (await db.WaitlistCampaigns.SingleAsync(x => x.Id == own.Id)).DistrictCode);
        Assert.Equal([own.Id], (await kit.Allocation.SummariesAsync(huangpuAdmin)).Single(p => p.ProductId == kit.ScarceProductId).Campaigns.Select(x => x.Id));
        Assert.Equal([xuhuiCampaign.Id], (await kit.Allocation.SummariesAsync(WaitlistScopes.District(Xuhui))).Single(p => p.ProductId == kit.ScarceProductId).Campaigns.Select(x => x.Id));
        Assert.Equal([own.Id, xuhuiCampaign.Id], (await kit.Allocation.SummariesAsync(WaitlistScopes.City)).Single(p => p.ProductId == kit.ScarceProductId).Campaigns.Select(x => x.Id));
        Assert.True((await kit.Allocation.VerifyDrawAsync(huangpuAdmin, own.Id)).Matches);

        // The why lookup: b and d are 徐汇's; c is reachable, but 徐汇's campaign steps are left out.
        Assert.Empty(await kit.Allocation.ExplainAsync(huangpuAdmin, b.ToString()));
        Assert.Empty(await kit.Allocation.ExplainAsync(huangpuAdmin, d.ToString()));
        var why = Assert.Single(await kit.Allocation.ExplainAsync(huangpuAdmin, c.ToString()));
        Assert.Equal([(WaitlistEventKinds.Registered, (long?)null), (WaitlistEventKinds.Candidate, own.Id)], why.Events.Select(e => (e.Kind, e.CampaignId)));
        Assert.Equal(1, why.HiddenEvents);
        var cityWhy = Assert.Single(await kit.Allocation.ExplainAsync(WaitlistScopes.City, c.ToString()));
        Assert.Equal([null, xuhuiCampaign.Id, own.Id], cityWhy.Events.Select(e => e.CampaignId));
        Assert.Equal(0, cityWhy.HiddenEvents);

        // A site's, an employer's or a broken scope sees and draws nothing.
        foreach (var other in new[] { WaitlistScopes.Site(xuhuiSite), WaitlistScopes.Invalid })
        {
            Assert.Empty(await kit.Allocation.SummariesAsync(other));
            Assert.Empty(await kit.Allocation.ExplainAsync(other, c.ToString()));
            await Assert.ThrowsAsync<DomainProblemException>(() => kit.Allocation.VerifyDrawAsync(other, own.Id));
            var forbidden = await Assert.ThrowsAsync<DomainProblemException>(() =>
                kit.Allocation.CreateAndDrawAsync(other, new CampaignRequest(kit.ScarceProductId, 1, AllocationMethod.FirstComeFirstServed)));
            Assert.Equal(ProblemKind.Forbidden, forbidden.Kind);
        }
    }

    [Fact]
    public async Task Lottery_with_the_same_seed_on_the_same_entries_draws_the_same_people()
    {
        var kit = await WaitlistTestKit.CreateAsync(await TestDatabase.SqliteAsync());
        var entryIds = (await kit.RegisterManyAsync(6)).Select(p => p.EntryId).ToList();
        var first = await kit.Allocation.CreateAndDrawAsync(WaitlistScopes.City, new CampaignRequest(kit.ScarceProductId, 6, AllocationMethod.Lottery, Seed: 7));
        var firstOrder = (await kit.OffersAsync(first.Id)).Select(o => o.EntryId).ToList();

        // Put everyone back to Waiting and draw again with the same seed, then with another.
        await using (var db = kit.Db.CreateDbContext())
            await db.WaitlistEntries.ExecuteUpdateAsync(e => e.SetProperty(x => x.Status, WaitlistStatus.Waiting));
        var second = await kit.Allocation.CreateAndDrawAsync(WaitlistScopes.City, new CampaignRequest(kit.ScarceProductId, 6, AllocationMethod.Lottery, Seed: 7));
        Assert.Equal(firstOrder, (await kit.OffersAsync(second.Id)).Select(o => o.EntryId));
        Assert.Equal(first.ResultHash, second.ResultHash);

        await using (var db = kit.Db.CreateDbContext())
            await db.WaitlistEntries.ExecuteUpdateAsync(e => e.SetProperty(x => x.Status, WaitlistStatus.Waiting));
        var third = await kit.Allocation.CreateAndDrawAsync(WaitlistScopes.City, new CampaignRequest(kit.ScarceProductId, 6, AllocationMethod.Lottery, Seed: 8));
        Assert.NotEqual(firstOrder, (await kit.OffersAsync(third.Id)).Select(o => o.EntryId));
        Assert.NotEqual(first.ResultHash, third.ResultHash);
        Assert.Equal(entryIds.Order(), firstOrder.Order());
    }

    [Fact]
    public async Task An_expired_offer_passes_to_the_next_person_in_campaign_order()
    {
        var kit = await WaitlistTestKit.CreateAsync(await TestDatabase.SqliteAsync());
        var people = await kit.RegisterManyAsync(3);
        var campaign = await kit.Allocation.CreateAndDrawAsync(WaitlistScopes.City, new CampaignRequest(kit.ScarceProductId, 1, AllocationMethod.FirstComeFirstServed, OfferHours: 48));

        kit.Clock.Advance(TimeSpan.FromHours(47));
        Assert.Equal(new OfferProcessResult(0, 0, 0), await kit.Expiry.ProcessAsync());

        kit.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(new OfferProcessResult(1, 0, 1), await kit.Expiry.ProcessAsync());
        var offers = await kit.OffersAsync(campaign.Id);
        Assert.Equal([(people[0].EntryId, 1, OfferStatus.Expired), (people[1].EntryId, 2, OfferStatus.Open)],
            offers.Select(o => (o.EntryId, o.Rank, o.Status)));
        Assert.Equal(kit.Clock.GetUtcNow().AddHours(48), offers[1].ExpiresAt);
        Assert.Equal(WaitlistStatus.Expired, await kit.StatusAsync(people[0].EntryId));
        Assert.Equal(WaitlistStatus.Offered, await kit.StatusAsync(people[1].EntryId));
        Assert.Equal(WaitlistStatus.Waiting, await kit.StatusAsync(people[2].EntryId));

        // Running again changes nothing.
        Assert.Equal(new OfferProcessResult(0, 0, 0), await kit.Expiry.ProcessAsync());
        Assert.Equal(2, (await kit.OffersAsync(campaign.Id)).Count);
    }

    [Fact]
    public async Task A_declined_offer_passes_on_at_once_and_cannot_be_declined_twice()
    {
        var kit = await WaitlistTestKit.CreateAsync(await TestDatabase.SqliteAsync());
        var people = await kit.RegisterManyAsync(3);
        var campaign = await kit.Allocation.CreateAndDrawAsync(WaitlistScopes.City, new CampaignRequest(kit.ScarceProductId, 1, AllocationMethod.FirstComeFirstServed));
        var offer = (await kit.OffersAsync(campaign.Id)).Single();

        var notMine = await Assert.ThrowsAsync<DomainProblemException>(() => kit.Waitlist.DeclineAsync(people[1].AccountId, offer.Id));
        Assert.Equal(ProblemKind.NotFound, notMine.Kind);

        await kit.Waitlist.DeclineAsync(people[0].AccountId, offer.Id);
        var offers = await kit.OffersAsync(campaign.Id);
        Assert.Equal([(people[0].EntryId, OfferStatus.Declined), (people[1].EntryId, OfferStatus.Open)], offers.Select(o => (o.EntryId, o.Status)));
        Assert.Equal(WaitlistStatus.Declined, await kit.StatusAsync(people[0].EntryId));

        var twice = await Assert.ThrowsAsync<DomainProblemException>(() => kit.Waitlist.DeclineAsync(people[0].AccountId, offer.Id));
        Assert.Equal((ProblemKind.Conflict, "offer_not_open"), (twice.Kind, twice.Code));

        // Withdrawing while holding an offer also passes it on.
        await kit.Waitlist.WithdrawAsync(people[1].AccountId, people[1].EntryId);
        Assert.Equal(people[2].EntryId, (await kit.OffersAsync(campaign.Id)).Single(o => o.Status == OfferStatus.Open).EntryId);
    }

    [Fact]
    public async Task Booking_with_the_offer_then_cancelling_gives_the_place_to_the_next_person_the_same_day()
    {
        var kit = await WaitlistTestKit.CreateAsync(await TestDatabase.SqliteAsync());
        var people = await kit.RegisterManyAsync(2);
        var campaign = await kit.Allocation.CreateAndDrawAsync(WaitlistScopes.City, new CampaignRequest(kit.ScarceProductId, 1, AllocationMethod.FirstComeFirstServed));
        var offer = (await kit.OffersAsync(campaign.Id)).Single();
        var slotId = await kit.NewScarceSlotAsync();
        var booking = new BookingService(kit.Db, kit.Clock);

        var appointment = await booking.BookAsync(people[0].AccountId, new BookRequest(slotId, people[0].ResidentId, offer.Id));
        Assert.Equal(WaitlistStatus.Booked, await kit.StatusAsync(people[0].EntryId));
        Assert.Equal(new OfferProcessResult(0, 0, 0), await kit.Expiry.ProcessAsync());

        var appointments = new AppointmentService(kit.Db, kit.Clock, Options.Create(new NoShowPolicyOptions()));
        await appointments.CancelAsync(people[0].AccountId, appointment.Id, "plans changed");
        kit.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new OfferProcessResult(0, 1, 1), await kit.Expiry.ProcessAsync());

        var next = (await kit.OffersAsync(campaign.Id)).Single(o => o.Status == OfferStatus.Open);
        Assert.Equal((people[1].EntryId, 2), (next.EntryId, next.Rank));
        Assert.Equal(kit.Clock.GetUtcNow().AddHours(new WaitlistOptions().SameDayOfferHours), next.ExpiresAt);
        Assert.Equal(WaitlistStatus.Withdrawn, await kit.StatusAsync(people[0].EntryId));
        Assert.Equal(new OfferProcessResult(0, 0, 0), await kit.Expiry.ProcessAsync());
    }
}

/// <summary>The waitlist's draw and its district scope, on every provider.</summary>
public abstract class WaitlistDrawScenarioTests : ProviderTests
{
    [SkippableFact]
    public Task Draws_fcfs_and_lottery_and_verifies_them() => WaitlistAllocationTests.DrawScenarioAsync(NewDatabaseAsync());

    [SkippableFact]
    public Task A_district_administrator_sees_draws_and_looks_up_only_their_district() => WaitlistAllocationTests.DistrictScopeScenarioAsync(NewDatabaseAsync());
}

public sealed class WaitlistDrawScenarioOnSqliteTests : WaitlistDrawScenarioTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class WaitlistDrawScenarioOnPostgreSqlTests : WaitlistDrawScenarioTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
