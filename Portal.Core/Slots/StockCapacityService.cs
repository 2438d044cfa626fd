using Microsoft.EntityFrameworkCore;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Eligibility;
using Portal.Core.Identity;
using Portal.Core.Injections;
using Portal.Core.Residents;
using Portal.Core.Vaccines;

namespace Portal.Core.Slots;

/// <summary>How many first doses of one product a site can still promise.</summary>
/// <param name="OnHand">Doses in the site's unexpired lots of the product.</param>
/// <param name="HeldBack">Doses kept for the later shots of series under way at the site.</param>
/// <param name="BookedFirstDoses">First-dose appointments already Booked at the site.</param>
public sealed record StockCapacity(long ProductId, Bilingual ProductName, int OnHand, int HeldBack, int BookedFirstDoses)
{
    /// <summary>OnHand − HeldBack − BookedFirstDoses, never below zero.</summary>
    public int BookableFirstDoses => Math.Max(0, OnHand - HeldBack - BookedFirstDoses);
}

/// <summary>★ Capacity follows stock: a site's bookable first doses are its lot stock minus the doses held
/// back for series already under way there. The rule is written out in docs/features/slots.md.</summary>
public sealed class StockCapacityService(IDbContextFactory<DbContext> contexts, TimeProvider clock)
{
    public async Task<int> BookableFirstDosesAsync(long siteId, long productId, CancellationToken ct = default) =>
        (await ForProductAsync(siteId, productId, ct)).BookableFirstDoses;

    public async Task<StockCapacity> ForProductAsync(long siteId, long productId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await ComputeAsync(db, siteId, productId, ChinaTime.Today(clock), ct);
    }

    /// <summary>One figure per product the site stocks or offers slots or templates for; the site must be within the
    /// caller's data scope (403 site_out_of_scope otherwise, as every slot administration call).</summary>
    public async Task<IReadOnlyList<StockCapacity>> ForSiteAsync(StaffScope scope, long siteId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await SlotAdminService.EnsureSiteAsync(db, scope, siteId, ct);
        var today = ChinaTime.Today(clock);
        var stocked = await db.Set<LotStock>().Where(s => s.SiteId == siteId).Join(db.Set<VaccineLot>(), s => s.LotId, l => l.Id, (s, l) => l.ProductId)
            .Distinct().ToListAsync(ct);
        var templated = await db.Set<SlotTemplate>().Where(t => t.SiteId == siteId).Select(t => t.ProductId).Distinct().ToListAsync(ct);
        var slotted = await db.Set<Slot>().Where(s => s.SiteId == siteId && s.Date >= today).Select(s => s.ProductId).Distinct().ToListAsync(ct);
        var result = new List<StockCapacity>();
        foreach (var productId in stocked.Union(templated).Union(slotted).Order())
            result.Add(await ComputeAsync(db, siteId, productId, today, ct));
        return result;
    }

    internal static async Task<StockCapacity> ComputeAsync(DbContext db, long siteId, long productId, DateOnly today, CancellationToken ct)
    {
        var product = await db.Set<VaccineProduct>().AsNoTracking().Include(p => p.Schedules).FirstOrDefaultAsync(p => p.Id == productId, ct)
            ?? throw VaccinesErrors.ProductNotFound.Exception();

        var onHand = await db.Set<LotStock>().Where(s => s.SiteId == siteId)
            .Join(db.Set<VaccineLot>(), s => s.LotId, l => l.Id, (s, l) => new { s.OnHand, l.ProductId, l.ExpiryDate })
            .Where(x => x.ProductId == productId && x.ExpiryDate >= today)
            .SumAsync(x => (int?)x.OnHand, ct) ?? 0;

        var bookedFirst = await db.Set<Appointment>()
            .CountAsync(a => a.SiteId == siteId && a.ProductId == productId && a.Status == AppointmentStatus.Booked && a.DoseNumber == 1, ct);

        return new StockCapacity(productId, new(product.Name, product.NameEn), onHand, await HeldBackAsync(db, siteId, product, ct), bookedFirst);
    }

    /// <summary>Residents whose latest dose in the product's series group was this product at this site and whose
    /// series is not complete: the doses they still need (schedule DoseCount − highest dose given).</summary>
    private static async Task<int> HeldBackAsync(DbContext db, long siteId, VaccineProduct product, CancellationToken ct)
    {
        var groupProducts = await db.Set<VaccineProduct>().Where(p => p.SeriesGroup == product.SeriesGroup).Select(p => p.Id).ToListAsync(ct);
        var residentsHere = db.Set<Injection>().Where(i => i.SiteId == siteId && i.ProductId == product.Id).Select(i => i.ResidentId);
        var history = await db.Set<Injection>().AsNoTracking()
            .Where(i => groupProducts.Contains(i.ProductId) && residentsHere.Contains(i.ResidentId))
            .Select(i => new { i.ResidentId, i.ProductId, i.SiteId, i.DoseNumber, i.InjectedAt, i.InjectedOn })
            .ToListAsync(ct);
        var residentIds = history.Select(h => h.ResidentId).Distinct().ToList();
        var births = await db.Set<Resident>().Where(r => residentIds.Contains(r.Id)).Select(r => new { r.Id, r.BirthDate }).ToDictionaryAsync(r => r.Id, r => r.BirthDate, ct);

        var held = 0;
        foreach (var series in history.GroupBy(h => h.ResidentId))
        {
            var latest = series.OrderByDescending(h => h.InjectedAt).ThenByDescending(h => h.DoseNumber).First();
            if (latest.SiteId != siteId || latest.ProductId != product.Id)
                continue;
            var firstOn = series.Min(h => h.InjectedOn);
            var doseCount = DoseCount(product, births.TryGetValue(series.Key, out var birth) ? EligibilityEngine.AgeInMonths(birth, firstOn) : null);
            held += Math.Max(0, doseCount - series.Max(h => h.DoseNumber));
        }
        return held;
    }

    /// <summary>The schedule for the age at the first dose; without a match (or a birth date), the longest schedule.</summary>
    private static int DoseCount(VaccineProduct product, int? ageMonths)
    {
        var match = ageMonths is { } age
            ? product.Schedules.FirstOrDefault(s => s.MinAgeMonths <= age && (s.MaxAgeMonthsExclusive is null || age < s.MaxAgeMonthsExclusive))
            : null;
        return match?.DoseCount ?? (product.Schedules.Count == 0 ? 1 : product.Schedules.Max(s => s.DoseCount));
    }
}
