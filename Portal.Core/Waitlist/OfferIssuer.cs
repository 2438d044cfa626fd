using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Messaging;
using Portal.Core.Residents;
using Portal.Core.Vaccines;

namespace Portal.Core.Waitlist;

/// <summary>The campaign order and the issuing of offers, shared by the draw, declines, expiry and returned places.
/// Callers own the transaction: an offer, its entry's status, its event and its SMS commit together or not at all.</summary>
internal static class OfferIssuer
{
    /// <summary>Entry ids of a drawn campaign in allocation order, recomputed from the stored candidates and seed
    /// (the same computation <see cref="AllocationService.VerifyDrawAsync"/> checks against the stored hash).</summary>
    public static async Task<IReadOnlyList<long>> OrderAsync(DbContext db, WaitlistCampaign campaign, CancellationToken ct)
    {
        var candidates = await Candidates(db, campaign.Id).Select(e => new { e.Id, e.RegisteredAt }).ToListAsync(ct);
        return campaign.Method == AllocationMethod.Lottery
            ? WaitlistDraw.Lottery(campaign.Seed ?? 0, candidates.Select(c => c.Id))
            : WaitlistDraw.FirstComeFirstServed(candidates.Select(c => (c.Id, c.RegisteredAt)));
    }

    public static IQueryable<WaitlistEntry> Candidates(DbContext db, long campaignId) =>
        db.Set<WaitlistEntry>().Where(e => db.Set<WaitlistEvent>()
            .Any(ev => ev.EntryId == e.Id && ev.CampaignId == campaignId && ev.Kind == WaitlistEventKinds.Candidate));

    /// <summary>Offers up to <paramref name="count"/> places to the next still-Waiting, unblocked candidates in campaign
    /// order (ranks continue after the campaign's last offer), with their events and SMS. Returns the offers made.</summary>
    public static async Task<IReadOnlyList<WaitlistOffer>> IssueAsync(DbContext db, WaitlistCampaign campaign, int count, TimeSpan validFor,
        DateTimeOffset now, string reason, CancellationToken ct)
    {
        if (count <= 0) return [];
        var today = ChinaTime.DateOf(now);
        var order = await OrderAsync(db, campaign, ct);
        var waiting = (await (from e in Candidates(db, campaign.Id)
                              join r in db.Set<Resident>() on e.ResidentId equals r.Id
                              where e.Status == WaitlistStatus.Waiting && (r.ScarceBookingBlockedUntil == null || r.ScarceBookingBlockedUntil < today)
                              select e.Id).ToListAsync(ct)).ToHashSet();
        var nextRank = (await db.Set<WaitlistOffer>().Where(o => o.CampaignId == campaign.Id).MaxAsync(o => (int?)o.Rank, ct) ?? 0) + 1;
        var offers = new List<WaitlistOffer>();
        foreach (var entryId in order)
        {
            if (offers.Count == count) break;
            if (!waiting.Contains(entryId)) continue;
            // Conditional: a withdrawal or another campaign's draw may have taken the entry meanwhile.
            var claimed = await db.Set<WaitlistEntry>().Where(e => e.Id == entryId && e.Status == WaitlistStatus.Waiting)
                .ExecuteUpdateAsync(e => e.SetProperty(x => x.Status, WaitlistStatus.Offered).SetProperty(x => x.UpdatedAt, now), ct);
            if (claimed == 0) continue;
            var offer = new WaitlistOffer
            {
                CampaignId = campaign.Id, EntryId = entryId, Rank = nextRank++, OfferedAt = now, ExpiresAt = now + validFor, Status = OfferStatus.Open,
            };
            db.Add(offer);
            offers.Add(offer);
        }
        if (offers.Count == 0) return offers;
        await db.SaveChangesAsync(ct);

        var entryIds = offers.Select(o => o.EntryId).ToList();
        var people = await (from e in db.Set<WaitlistEntry>().AsNoTracking()
                            where entryIds.Contains(e.Id)
                            join r in db.Set<Resident>() on e.ResidentId equals r.Id
                            join a in db.Set<ResidentAccount>() on e.AccountId equals a.Id
                            select new
                            {
                                e.Id, r.Name, a.PhoneCipher, a.PhoneMasked,
                                // The SMS goes to the registering account only while it still acts for the person.
                                Linked = db.Set<FamilyMember>().Any(m => m.AccountId == e.AccountId && m.ResidentId == e.ResidentId),
                            }).ToDictionaryAsync(x => x.Id, ct);
        var product = await db.Set<VaccineProduct>().AsNoTracking().Where(p => p.Id == campaign.ProductId).Select(p => p.Name).FirstAsync(ct);
        foreach (var offer in offers)
        {
            var expires = ChinaTime.ToChina(offer.ExpiresAt).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            db.Add(new WaitlistEvent
            {
                EntryId = offer.EntryId, CampaignId = campaign.Id, Kind = WaitlistEventKinds.Offered, At = now,
                Detail = $"offer {offer.Id}, rank {offer.Rank} in campaign {campaign.Id} ({reason}), expires {expires} (China time)",
            });
            var person = people[offer.EntryId];
            if (!person.Linked) continue;
            SmsOutbox.Enqueue(db, person.PhoneCipher, person.PhoneMasked, SmsTemplateNames.WaitlistOffer, new Dictionary<string, string>
            {
                ["name"] = person.Name, ["vaccine"] = product, ["expires"] = expires,
            }, $"offer:{offer.Id}", now);
        }
        await db.SaveChangesAsync(ct);
        return offers;
    }
}
