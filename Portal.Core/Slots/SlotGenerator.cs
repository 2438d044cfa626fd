using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Sites;

namespace Portal.Core.Slots;

/// <summary>Creates slots from active templates for today … today + GenerateDaysAhead. Safe to re-run: a template
/// never gets two slots on one date (checked on TemplateId + Date). Closure days, days of another weekday and
/// days outside a temporary site's dates are skipped.</summary>
public sealed class SlotGenerator(IDbContextFactory<DbContext> contexts, TimeProvider clock, IOptions<SlotOptions> options)
{
    /// <summary>Generates for every active site (or one); returns the number of slots created.</summary>
    /// <remarks>Two instances may generate at the same moment. The unique (TemplateId, Date) index lets only one of them
    /// insert a given day; the other's batch is refused as a whole, and it reads again and creates what is still missing.</remarks>
    public async Task<int> GenerateAsync(long? siteId = null, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await GenerateOnceAsync(siteId, ct);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another generator inserted some of the same days first.
            }
        }
    }

    private async Task<int> GenerateOnceAsync(long? siteId, CancellationToken ct)
    {
        var settings = options.Value;
        var today = ChinaTime.Today(clock);
        var last = today.AddDays(Math.Max(0, settings.GenerateDaysAhead));
        await using var db = await contexts.CreateDbContextAsync(ct);

        var templates = await db.Set<SlotTemplate>().AsNoTracking()
            .Where(t => t.IsActive && (siteId == null || t.SiteId == siteId))
            .Join(db.Set<Site>().Where(s => s.IsActive), t => t.SiteId, s => s.Id, (t, s) => new { Template = t, s.ActiveFrom, s.ActiveTo })
            .ToListAsync(ct);
        if (templates.Count == 0)
            return 0;
        var siteIds = templates.Select(t => t.Template.SiteId).Distinct().ToList();
        var templateIds = templates.Select(t => (long?)t.Template.Id).ToList();
        var closed = (await db.Set<SiteClosure>().Where(c => siteIds.Contains(c.SiteId) && c.Date >= today && c.Date <= last)
            .Select(c => new { c.SiteId, c.Date }).ToListAsync(ct)).Select(c => (c.SiteId, c.Date)).ToHashSet();
        var existing = (await db.Set<Slot>().Where(s => templateIds.Contains(s.TemplateId) && s.Date >= today && s.Date <= last)
            .Select(s => new { s.TemplateId, s.Date }).ToListAsync(ct)).Select(s => (s.TemplateId!.Value, s.Date)).ToHashSet();

        var created = 0;
        foreach (var group in templates.GroupBy(t => (t.Template.SiteId, t.Template.ProductId)))
        {
            int? budget = settings.CapacityFollowsStock ? await StockBudgetAsync(db, group.Key.SiteId, group.Key.ProductId, today, ct) : null;
            for (var date = today; date <= last; date = date.AddDays(1))
            {
                if (closed.Contains((group.Key.SiteId, date)))
                    continue;
                foreach (var x in group.Where(x => x.Template.Day == date.DayOfWeek).OrderBy(x => x.Template.StartTime))
                {
                    var t = x.Template;
                    if ((x.ActiveFrom is { } from && date < from) || (x.ActiveTo is { } to && date > to) || existing.Contains((t.Id, date)))
                        continue;
                    var capacity = budget is { } b ? Math.Min(t.Capacity, Math.Max(0, b)) : t.Capacity;
                    // No stock for it yet: leave the day ungenerated, so a later run can still create it.
                    if (capacity <= 0)
                        continue;
                    budget -= capacity;
                    db.Set<Slot>().Add(new Slot
                    {
                        SiteId = t.SiteId, ProductId = t.ProductId, Date = date, StartTime = t.StartTime, EndTime = t.EndTime,
                        Capacity = capacity, TemplateId = t.Id, ReleaseAt = ReleaseAt(t, date),
                    });
                    existing.Add((t.Id, date));
                    created++;
                }
            }
        }
        await db.SaveChangesAsync(ct);
        return created;
    }

    /// <summary>Release rule of a template: ReleaseDaysBefore days before the date at ReleaseTime (China time,
    /// 00:00 if unset); null when the template has no rule (bookable at once).</summary>
    public static DateTimeOffset? ReleaseAt(SlotTemplate template, DateOnly date) =>
        template.ReleaseDaysBefore is { } days ? ChinaTime.At(date.AddDays(-days), template.ReleaseTime ?? TimeOnly.MinValue) : null;

    /// <summary>Bookable first doses minus the free places already open (not closed, today or later) for the product.</summary>
    private static async Task<int> StockBudgetAsync(DbContext db, long siteId, long productId, DateOnly today, CancellationToken ct)
    {
        var stock = await StockCapacityService.ComputeAsync(db, siteId, productId, today, ct);
        var open = await db.Set<Slot>().Where(s => s.SiteId == siteId && s.ProductId == productId && !s.IsClosed && s.Date >= today)
            .SumAsync(s => (int?)(s.Capacity - s.Booked), ct) ?? 0;
        return stock.BookableFirstDoses - open;
    }
}
