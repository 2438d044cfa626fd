using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Booking;

namespace Portal.Core.Waitlist;

public sealed record OfferProcessResult(int Expired, int PlacesReturned, int OffersMade);

/// <summary>Passes places on: expired offers go to the next person in the campaign's order (with the campaign's offer
/// hours), and places whose appointment was cancelled or missed are offered again the same day (with
/// "Waitlist:SameDayOfferHours"). Every step is conditional, so running it again, or on two instances at once, does not
/// hand out a place twice; a clash on an offer rank rolls the campaign's step back for the next run.</summary>
public sealed class OfferExpiryService(IDbContextFactory<DbContext> contexts, TimeProvider clock, IOptions<WaitlistOptions> options)
{
    private const int Batch = 500;

    public async Task<OfferProcessResult> ProcessAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        int expired = 0, returned = 0, made = 0;
        await using var db = await contexts.CreateDbContextAsync(ct);

        var due = await db.Set<WaitlistOffer>().AsNoTracking().Where(o => o.Status == OfferStatus.Open && o.ExpiresAt <= now)
            .OrderBy(o => o.Id).Take(Batch).ToListAsync(ct);
        foreach (var group in due.GroupBy(o => o.CampaignId))
        {
            var (count, offers) = await RunAsync(db, group.Key, now, async () =>
            {
                var n = 0;
                foreach (var offer in group)
                {
                    var closed = await db.Set<WaitlistOffer>().Where(o => o.Id == offer.Id && o.Status == OfferStatus.Open && o.ExpiresAt <= now)
                        .ExecuteUpdateAsync(o => o.SetProperty(x => x.Status, OfferStatus.Expired).SetProperty(x => x.UpdatedAt, now), ct);
                    if (closed == 0) continue;
                    await db.Set<WaitlistEntry>().Where(e => e.Id == offer.EntryId && e.Status == WaitlistStatus.Offered)
                        .ExecuteUpdateAsync(e => e.SetProperty(x => x.Status, WaitlistStatus.Expired).SetProperty(x => x.UpdatedAt, now), ct);
                    db.Add(new WaitlistEvent { EntryId = offer.EntryId, CampaignId = offer.CampaignId, Kind = WaitlistEventKinds.Expired, At = now, Detail = $"offer {offer.Id} not used in time" });
                    n++;
                }
                return n;
            }, campaign => TimeSpan.FromHours(campaign.OfferHours), "passed on from expired offers", ct);
            expired += count;
            made += offers;
        }

        var lost = await (from o in db.Set<WaitlistOffer>().AsNoTracking()
                          where o.Status == OfferStatus.Accepted
                          join a in db.Set<Appointment>() on o.AppointmentId equals (long?)a.Id
                          where a.Status == AppointmentStatus.Cancelled || a.Status == AppointmentStatus.NoShow
                          join e in db.Set<WaitlistEntry>() on o.EntryId equals e.Id
                          where e.Status == WaitlistStatus.Booked
                          orderby o.Id
                          select new { o.Id, o.CampaignId, o.EntryId, AppointmentId = a.Id, a.Status }).Take(Batch).ToListAsync(ct);
        var sameDay = TimeSpan.FromHours(Math.Max(1, options.Value.SameDayOfferHours));
        foreach (var group in lost.GroupBy(o => o.CampaignId))
        {
            var (count, offers) = await RunAsync(db, group.Key, now, async () =>
            {
                var n = 0;
                foreach (var place in group)
                {
                    // The entry leaving Booked is the once-only marker that this place was handed back.
                    var next = place.Status == AppointmentStatus.NoShow ? WaitlistStatus.Expired : WaitlistStatus.Withdrawn;
                    var changed = await db.Set<WaitlistEntry>().Where(e => e.Id == place.EntryId && e.Status == WaitlistStatus.Booked)
                        .ExecuteUpdateAsync(e => e.SetProperty(x => x.Status, next).SetProperty(x => x.UpdatedAt, now), ct);
                    if (changed == 0) continue;
                    db.Add(new WaitlistEvent
                    {
                        EntryId = place.EntryId, CampaignId = place.CampaignId, Kind = WaitlistEventKinds.PlaceReturned, At = now,
                        Detail = $"appointment {place.AppointmentId} {(place.Status == AppointmentStatus.NoShow ? "missed (no-show)" : "cancelled")}; offer {place.Id}'s place is offered again",
                    });
                    n++;
                }
                return n;
            }, _ => sameDay, "same-day re-offer of a cancelled or missed appointment", ct);
            returned += count;
            made += offers;
        }
        return new OfferProcessResult(expired, returned, made);
    }

    /// <summary>One campaign's step in one transaction: <paramref name="release"/> frees places, which are then offered on.</summary>
    private static async Task<(int Freed, int Offers)> RunAsync(DbContext db, long campaignId, DateTimeOffset now, Func<Task<int>> release,
        Func<WaitlistCampaign, TimeSpan> validFor, string reason, CancellationToken ct)
    {
        var campaign = await db.Set<WaitlistCampaign>().AsNoTracking().FirstAsync(c => c.Id == campaignId, ct);
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var freed = await release();
            await db.SaveChangesAsync(ct);
            var offers = await OfferIssuer.IssueAsync(db, campaign, freed, validFor(campaign), now, reason, ct);
            await tx.CommitAsync(ct);
            return (freed, offers.Count);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return (0, 0);
        }
    }

}
