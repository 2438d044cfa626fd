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
    [Fact]
    public Task Draws_fcfs_and_lottery_and_verifies_them_on_sqlite() => DrawScenarioAsync(TestDatabase.SqliteAsync());

    [SkippableFact]
    public Task Draws_fcfs_and_lottery_and_verifies_them_on_postgresql() => DrawScenarioAsync(TestDatabase.PostgreSqlAsync());

    private static async Task DrawScenarioAsync(Task<TestDatabase> database)
    {
        var kit = await WaitlistTestKit.CreateAsync(await database);
        var people = await kit.RegisterManyAsync(8);
        var entryIds = people.Select(p => p.EntryId).ToList();

        // First come, first served: the first three by registration time, ranks 1..3, offer SMS queued.
        var fcfs = await kit.Allocation.CreateAndDrawAsync(new CampaignRequest(kit.ScarceProductId, 3, AllocationMethod.FirstComeFirstServed), "admin");
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
        Assert.True((await kit.Allocation.VerifyDrawAsync(fcfs.Id)).Matches);

        // Lottery over the five still waiting, with a given seed: the pure function decides, and it verifies.
        var lottery = await kit.Allocation.CreateAndDrawAsync(new CampaignRequest(kit.ScarceProductId, 2, AllocationMethod.Lottery, Seed: 4242), "admin");
        var expected = WaitlistDraw.Lottery(4242, entryIds.Skip(3));
        Assert.Equal(expected.Take(2), (await kit.OffersAsync(lottery.Id)).Select(o => o.EntryId));
        Assert.Equal(WaitlistDraw.Hash(expected), lottery.ResultHash);
        Assert.Equal((long?)4242, lottery.Seed);
        var verification = await kit.Allocation.VerifyDrawAsync(lottery.Id);
        Assert.True(verification.Matches);
        Assert.Equal(5, verification.Candidates);

        // Without a seed one is chosen and stored; an altered stored result is detected.
        var random = await kit.Allocation.CreateAndDrawAsync(new CampaignRequest(kit.ScarceProductId, 1, AllocationMethod.Lottery), null);
        Assert.NotNull(random.Seed);
        Assert.True((await kit.Allocation.VerifyDrawAsync(random.Id)).Matches);
        await using (var db = kit.Db.CreateDbContext())
            await db.WaitlistCampaigns.Where(c => c.Id == random.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.ResultHash, WaitlistDraw.Hash([1, 2, 3])));
        Assert.False((await kit.Allocation.VerifyDrawAsync(random.Id)).Matches);

        // The "why" lookup shows the history of an entry that got a place.
        var why = Assert.Single(await kit.Allocation.ExplainAsync(entryIds[0].ToString()));
        Assert.Equal([WaitlistEventKinds.Registered, WaitlistEventKinds.Candidate, WaitlistEventKinds.Offered], why.Events.Select(e => e.Kind));
        Assert.Contains("position 1 of 8", why.Events[1].Detail);
    }

    [Fact]
    public async Task Lottery_with_the_same_seed_on_the_same_entries_draws_the_same_people()
    {
        var kit = await WaitlistTestKit.CreateAsync(await TestDatabase.SqliteAsync());
        var entryIds = (await kit.RegisterManyAsync(6)).Select(p => p.EntryId).ToList();
        var first = await kit.Allocation.CreateAndDrawAsync(new CampaignRequest(kit.ScarceProductId, 6, AllocationMethod.Lottery, Seed: 7), null);
        var firstOrder = (await kit.OffersAsync(first.Id)).Select(o => o.EntryId).ToList();

        // Put everyone back to Waiting and draw again with the same seed, then with another.
        await using (var db = kit.Db.CreateDbContext())
            await db.WaitlistEntries.ExecuteUpdateAsync(e => e.SetProperty(x => x.Status, WaitlistStatus.Waiting));
        var second = await kit.Allocation.CreateAndDrawAsync(new CampaignRequest(kit.ScarceProductId, 6, AllocationMethod.Lottery, Seed: 7), null);
        Assert.Equal(firstOrder, (await kit.OffersAsync(second.Id)).Select(o => o.EntryId));
        Assert.Equal(first.ResultHash, second.ResultHash);

        await using (var db = kit.Db.CreateDbContext())
            await db.WaitlistEntries.ExecuteUpdateAsync(e => e.SetProperty(x => x.Status, WaitlistStatus.Waiting));
        var third = await kit.Allocation.CreateAndDrawAsync(new CampaignRequest(kit.ScarceProductId, 6, AllocationMethod.Lottery, Seed: 8), null);
        Assert.NotEqual(firstOrder, (await kit.OffersAsync(third.Id)).Select(o => o.EntryId));
        Assert.NotEqual(first.ResultHash, third.ResultHash);
        Assert.Equal(entryIds.Order(), firstOrder.Order());
    }

    [Fact]
    public async Task An_expired_offer_passes_to_the_next_person_in_campaign_order()
    {
        var kit = await WaitlistTestKit.CreateAsync(await TestDatabase.SqliteAsync());
        var people = await kit.RegisterManyAsync(3);
        var campaign = await kit.Allocation.CreateAndDrawAsync(new CampaignRequest(kit.ScarceProductId, 1, AllocationMethod.FirstComeFirstServed, OfferHours: 48), null);

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
        var campaign = await kit.Allocation.CreateAndDrawAsync(new CampaignRequest(kit.ScarceProductId, 1, AllocationMethod.FirstComeFirstServed), null);
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
        var campaign = await kit.Allocation.CreateAndDrawAsync(new CampaignRequest(kit.ScarceProductId, 1, AllocationMethod.FirstComeFirstServed), null);
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
