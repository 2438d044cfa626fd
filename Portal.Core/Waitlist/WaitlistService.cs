using Microsoft.EntityFrameworkCore;
using Portal.Core.Areas;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Eligibility;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Vaccines;

namespace Portal.Core.Waitlist;

public sealed record RegisterInterestRequest(long? ResidentId, long? ProductId,
    [property: TextInput(District.CodeLength, TextKind.Code)] string? PreferredDistrictCode = null, long? PreferredSiteId = null);

public sealed record WaitlistOfferDto(long Id, long CampaignId, DateTimeOffset OfferedAt, DateTimeOffset ExpiresAt, OfferStatus Status);

/// <param name="Position">1-based place among the product's Waiting entries (registration time, then id); null unless Waiting.</param>
public sealed record WaitlistEntryDto(long Id, long ResidentId, string ResidentName, long ProductId, string ProductName, string ProductNameEn,
    string? PreferredDistrictCode, long? PreferredSiteId, DateTimeOffset RegisteredAt, WaitlistStatus Status, int? Position, int WaitingCount,
    WaitlistOfferDto? Offer);

/// <summary>What residents do on the scarce-vaccine waitlist: register, see their position, withdraw, decline an offer.
/// Accepting an offer is booking with it (BookingService).</summary>
public sealed class WaitlistService(IDbContextFactory<DbContext> contexts, TimeProvider clock)
{
    public async Task<WaitlistEntryDto> RegisterAsync(long accountId, RegisterInterestRequest request, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        if (request.ResidentId is not > 0) errors.Add(new("residentId", new("请选择接种人", "Choose who will be vaccinated")));
        if (request.ProductId is not > 0) errors.Add(new("productId", new("请选择疫苗", "Choose the vaccine")));
        var district = string.IsNullOrWhiteSpace(request.PreferredDistrictCode) ? null : request.PreferredDistrictCode.Trim();
        if (request.PreferredSiteId is <= 0) errors.Add(new("preferredSiteId", new("接种点不存在", "No such vaccination site")));
        if (errors.Count > 0) throw new DomainValidationException(errors);
        var residentId = request.ResidentId!.Value;
        var productId = request.ProductId!.Value;

        await using var db = await contexts.CreateDbContextAsync(ct);
        await ResidentService.EnsureMemberAsync(db, accountId, residentId, ct);
        if (district is not null && !await db.Set<District>().AnyAsync(d => d.Code == district, ct))
            throw new DomainValidationException("preferredDistrictCode", new("区县代码不存在", "No such district code"));
        if (request.PreferredSiteId is { } siteId && !await db.Set<Site>().AnyAsync(s => s.Id == siteId && s.IsActive, ct))
            throw new DomainValidationException("preferredSiteId", new("接种点不存在", "No such vaccination site"));
        var product = await db.Set<VaccineProduct>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == productId, ct)
            ?? throw VaccineCatalogue.ProductNotFound();
        if (!product.IsScarce || !product.IsActive)
            throw new DomainValidationException("productId", new("该疫苗无需排队登记，可直接预约", "This vaccine is not allocated through the waitlist: book it directly"));

        var today = ChinaTime.Today(clock);
        var resident = await db.Set<Resident>().AsNoTracking().FirstAsync(r => r.Id == residentId, ct);
        if (resident.ScarceBookingBlockedUntil is { } blocked && blocked >= today)
            throw BookingErrors.ScarceBookingBlocked.Exception(blocked);
        var (_, eligibility) = await EligibilityService.EvaluateAsync(db, productId, resident, today, null, ct);
        EligibilityService.EnsureEligible(eligibility);
        if (eligibility.DoseNumber != 1)
            throw WaitlistErrors.WaitlistNotNeeded.Exception();

        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Locks the resident's row, so two simultaneous registrations of one person run one after the other.
        await db.Set<Resident>().Where(r => r.Id == residentId).ExecuteUpdateAsync(r => r.SetProperty(x => x.UpdatedAt, x => x.UpdatedAt), ct);
        if (await db.Set<WaitlistEntry>().AnyAsync(e => e.ResidentId == residentId && e.ProductId == productId
                && (e.Status == WaitlistStatus.Waiting || e.Status == WaitlistStatus.Offered), ct))
            throw WaitlistErrors.AlreadyRegistered.Exception();
        var entry = new WaitlistEntry
        {
            ProductId = productId, ResidentId = residentId, AccountId = accountId, PreferredDistrictCode = district, PreferredSiteId = request.PreferredSiteId,
            RegisteredAt = now, Status = WaitlistStatus.Waiting,
        };
        db.Add(entry);
        await db.SaveChangesAsync(ct);
        db.Add(new WaitlistEvent
        {
            EntryId = entry.Id, Kind = WaitlistEventKinds.Registered, At = now,
            Detail = $"account {accountId}, district {district ?? "any"}, site {request.PreferredSiteId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "any"}",
        });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (await ListAsync(db, [entry.Id], ct)).Single();
    }

    /// <summary>Entries of every person on the account, newest first, with positions and open offers.</summary>
    public async Task<IReadOnlyList<WaitlistEntryDto>> ListForAccountAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var ids = await db.Set<WaitlistEntry>()
            .Where(e => db.Set<FamilyMember>().Any(m => m.AccountId == accountId && m.ResidentId == e.ResidentId))
            .Select(e => e.Id).ToListAsync(ct);
        return await ListAsync(db, ids, ct);
    }

    /// <summary>Withdraws a Waiting or Offered entry; an open offer is declined and its place passes on.</summary>
    public async Task WithdrawAsync(long accountId, long entryId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var entry = await OwnedEntryAsync(db, accountId, entryId, ct);
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var offer = await db.Set<WaitlistOffer>().AsNoTracking().FirstOrDefaultAsync(o => o.EntryId == entryId && o.Status == OfferStatus.Open, ct);
        if (offer is not null) await ReleaseOfferAsync(db, offer, OfferStatus.Declined, now, ct);
        var changed = await db.Set<WaitlistEntry>()
            .Where(e => e.Id == entryId && (e.Status == WaitlistStatus.Waiting || e.Status == WaitlistStatus.Offered))
            .ExecuteUpdateAsync(e => e.SetProperty(x => x.Status, WaitlistStatus.Withdrawn).SetProperty(x => x.UpdatedAt, now), ct);
        if (changed == 0) throw NotActive(entry.Status);
        db.Add(new WaitlistEvent { EntryId = entryId, Kind = WaitlistEventKinds.Withdrawn, At = now, Detail = $"by account {accountId}" });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Declines an open offer: the entry is closed and the place goes to the next person in the campaign's order.</summary>
    public async Task DeclineAsync(long accountId, long offerId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var offer = await db.Set<WaitlistOffer>().AsNoTracking().FirstOrDefaultAsync(o => o.Id == offerId, ct) ?? throw OfferNotFound();
        try
        {
            await OwnedEntryAsync(db, accountId, offer.EntryId, ct);
        }
        catch (DomainProblemException)
        {
            throw OfferNotFound();
        }
        var now = clock.GetUtcNow();
        if (offer.Status != OfferStatus.Open || offer.ExpiresAt <= now)
            throw WaitlistErrors.OfferNotOpen.Exception();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ReleaseOfferAsync(db, offer, OfferStatus.Declined, now, ct);
        await db.Set<WaitlistEntry>().Where(e => e.Id == offer.EntryId && e.Status == WaitlistStatus.Offered)
            .ExecuteUpdateAsync(e => e.SetProperty(x => x.Status, WaitlistStatus.Declined).SetProperty(x => x.UpdatedAt, now), ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Closes an open offer (conditionally, so it happens once) and passes its place to the next person.</summary>
    private static async Task ReleaseOfferAsync(DbContext db, WaitlistOffer offer, OfferStatus status, DateTimeOffset now, CancellationToken ct)
    {
        var closed = await db.Set<WaitlistOffer>().Where(o => o.Id == offer.Id && o.Status == OfferStatus.Open)
            .ExecuteUpdateAsync(o => o.SetProperty(x => x.Status, status).SetProperty(x => x.UpdatedAt, now), ct);
        if (closed == 0)
            throw WaitlistErrors.OfferNotOpen.Exception();
        db.Add(new WaitlistEvent { EntryId = offer.EntryId, CampaignId = offer.CampaignId, Kind = WaitlistEventKinds.Declined, At = now, Detail = $"offer {offer.Id}" });
        await db.SaveChangesAsync(ct);
        var campaign = await db.Set<WaitlistCampaign>().AsNoTracking().FirstAsync(c => c.Id == offer.CampaignId, ct);
        await OfferIssuer.IssueAsync(db, campaign, 1, TimeSpan.FromHours(campaign.OfferHours), now, $"passed on from declined offer {offer.Id}", ct);
    }

    private static async Task<WaitlistEntry> OwnedEntryAsync(DbContext db, long accountId, long entryId, CancellationToken ct)
    {
        var entry = await db.Set<WaitlistEntry>().AsNoTracking().FirstOrDefaultAsync(e => e.Id == entryId, ct)
            ?? throw WaitlistErrors.WaitlistEntryNotFound.Exception();
        // Only a current link counts: having registered the entry grants nothing once the link is gone.
        if (!await db.Set<FamilyMember>().AnyAsync(m => m.AccountId == accountId && m.ResidentId == entry.ResidentId, ct))
            throw WaitlistErrors.WaitlistEntryNotFound.Exception();
        return entry;
    }

    private async Task<IReadOnlyList<WaitlistEntryDto>> ListAsync(DbContext db, List<long> ids, CancellationToken ct)
    {
        var rows = await (from e in db.Set<WaitlistEntry>().AsNoTracking()
                          where ids.Contains(e.Id)
                          join r in db.Set<Resident>() on e.ResidentId equals r.Id
                          join p in db.Set<VaccineProduct>() on e.ProductId equals p.Id
                          select new { e, r.Name, Product = p.Name, p.NameEn }).ToListAsync(ct);
        var offers = await db.Set<WaitlistOffer>().AsNoTracking().Where(o => ids.Contains(o.EntryId)).ToListAsync(ct);
        var now = clock.GetUtcNow();
        var result = new List<WaitlistEntryDto>();
        foreach (var row in rows.OrderByDescending(x => x.e.RegisteredAt).ThenByDescending(x => x.e.Id))
        {
            var e = row.e;
            var waiting = db.Set<WaitlistEntry>().Where(w => w.ProductId == e.ProductId && w.Status == WaitlistStatus.Waiting);
            var waitingCount = await waiting.CountAsync(ct);
            int? position = e.Status == WaitlistStatus.Waiting
                ? await waiting.CountAsync(w => w.RegisteredAt < e.RegisteredAt || (w.RegisteredAt == e.RegisteredAt && w.Id < e.Id), ct) + 1
                : null;
            var offer = offers.Where(o => o.EntryId == e.Id && o.Status == OfferStatus.Open && o.ExpiresAt > now).MaxBy(o => o.Id)
                ?? offers.Where(o => o.EntryId == e.Id).MaxBy(o => o.Id);
            result.Add(new WaitlistEntryDto(e.Id, e.ResidentId, row.Name, e.ProductId, row.Product, row.NameEn, e.PreferredDistrictCode, e.PreferredSiteId,
                e.RegisteredAt, e.Status, position, waitingCount,
                offer is null ? null : new WaitlistOfferDto(offer.Id, offer.CampaignId, offer.OfferedAt, offer.ExpiresAt, offer.Status)));
        }
        return result;
    }

    private static DomainProblemException NotActive(WaitlistStatus status) => status == WaitlistStatus.Booked
        ? WaitlistErrors.WaitlistEntryBooked.Exception()
        : WaitlistErrors.WaitlistEntryClosed.Exception();

    private static DomainProblemException OfferNotFound() =>
        WaitlistErrors.OfferNotFound.Exception();
}
