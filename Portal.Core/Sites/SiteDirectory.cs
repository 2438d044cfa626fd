using Microsoft.EntityFrameworkCore;
using Portal.Core.Areas;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Content;
using Portal.Core.Vaccines;
using Portal.Core.Slots;

namespace Portal.Core.Sites;

public sealed record OpeningHoursDto(DayOfWeek Day, TimeOnly Opens, TimeOnly Closes);

/// <param name="HasBookableSlots">Only when a product was asked for: an open, released slot with places in the next 14 days.</param>
public sealed record SiteDetails(
    long Id, string Code, string Name, SiteKind Kind, string DistrictCode, string DistrictName, string StreetCode, string? StreetName,
    string Address, string Phone, double? Latitude, double? Longitude, string? Notice, IReadOnlyList<OpeningHoursDto> OpeningHours,
    IReadOnlyList<AnnouncementDto> Announcements, bool? HasBookableSlots, DateOnly? NextBookableDate);

/// <summary>One line of the plain site list (<c>GET /api/v1/sites</c>).</summary>
public sealed record SiteSummary(long Id, string Code, string Name, string DistrictCode, string DistrictName, string Address, string Phone);

/// <summary>The public directory of vaccination sites (门诊查询) behind both resident lists, <c>/api/v1/sites</c> and
/// <c>/api/v1/clinics</c>: one rule for which sites residents see (<see cref="Listed"/>) and one check of the filters.</summary>
public sealed class SiteDirectory(IDbContextFactory<DbContext> contexts, TimeProvider clock)
{
    public const int SlotHorizonDays = 14;

    /// <summary>Sites residents see: active, and not past their last day (a temporary site's <see cref="Site.ActiveTo"/>).</summary>
    public static IQueryable<Site> Listed(IQueryable<Site> sites, DateOnly today) =>
        sites.Where(s => s.IsActive && (s.ActiveTo == null || s.ActiveTo >= today));

    /// <summary>The plain list, by code, optionally of one district.</summary>
    public async Task<IReadOnlyList<SiteSummary>> ListAsync(string? district, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        district = Blank(district);
        await CheckAreaAsync(db, district, null, ct);
        // Sorted before the projection: EF cannot order by a member of a record built in the query.
        return await Listed(db.Set<Site>().AsNoTracking(), ChinaTime.Today(clock))
            .Where(s => district == null || s.DistrictCode == district)
            .OrderBy(s => s.Code)
            .Join(db.Set<District>(), s => s.DistrictCode, d => d.Code, (s, d) => new SiteSummary(s.Id, s.Code, s.Name, s.DistrictCode, d.Name, s.Address, s.Phone))
            .ToListAsync(ct);
    }

    /// <summary>Sites by district, street and vaccine, with opening hours, announcements and the next bookable day.</summary>
    public async Task<IReadOnlyList<SiteDetails>> SearchAsync(string? district, string? street, long? productId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        district = Blank(district);
        street = Blank(street);
        await CheckAreaAsync(db, district, street, ct);
        if (productId is { } pid && !await db.Set<VaccineProduct>().AnyAsync(p => p.Id == pid, ct))
            throw ProductNotFound();

        var sites = await Listed(db.Set<Site>().AsNoTracking().Include(s => s.OpeningHours), ChinaTime.Today(clock))
            .Where(s => (district == null || s.DistrictCode == district) && (street == null || s.StreetCode == street))
            .OrderBy(s => s.Code).ToListAsync(ct);
        return await ShapeAsync(db, sites, productId, ct);
    }

    // An unknown district or street is a mistake worth saying, not an empty list.
    private static async Task CheckAreaAsync(DbContext db, string? district, string? street, CancellationToken ct)
    {
        if (district is not null && !await db.Set<District>().AnyAsync(d => d.Code == district, ct))
            throw AreasErrors.DistrictNotFound.Exception();
        if (street is not null && !await db.Set<Street>().AnyAsync(s => s.Code == street && (district == null || s.DistrictCode == district), ct))
            throw AreasErrors.StreetNotFound.Exception();
    }

    public async Task<SiteDetails> GetAsync(long id, long? productId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (productId is { } pid && !await db.Set<VaccineProduct>().AnyAsync(p => p.Id == pid, ct))
            throw ProductNotFound();
        var site = await Listed(db.Set<Site>().AsNoTracking().Include(s => s.OpeningHours), ChinaTime.Today(clock)).FirstOrDefaultAsync(s => s.Id == id, ct)
            ?? throw SitesErrors.SiteNotFound.Exception();
        return (await ShapeAsync(db, [site], productId, ct))[0];
    }

    private async Task<IReadOnlyList<SiteDetails>> ShapeAsync(DbContext db, List<Site> sites, long? productId, CancellationToken ct)
    {
        var districtCodes = sites.Select(s => s.DistrictCode).Distinct().ToList();
        var streetCodes = sites.Select(s => s.StreetCode).Distinct().ToList();
        var districts = await db.Set<District>().Where(d => districtCodes.Contains(d.Code)).ToDictionaryAsync(d => d.Code, d => d.Name, ct);
        var streets = await db.Set<Street>().Where(s => streetCodes.Contains(s.Code)).ToDictionaryAsync(s => s.Code, s => s.Name, ct);
        var now = clock.GetUtcNow();
        var announcements = (await ContentService.CurrentAnnouncementsAsync(db, now, ct)).Where(a => a.SiteId != null || a.DistrictCode != null).ToList();

        Dictionary<long, DateOnly> nextBookable = [];
        if (productId is { } pid)
        {
            var today = ChinaTime.Today(clock);
            var until = today.AddDays(SlotHorizonDays);
            var siteIds = sites.Select(s => s.Id).ToList();
            var slots = await db.Set<Slot>().AsNoTracking()
                .Where(s => s.ProductId == pid && siteIds.Contains(s.SiteId) && s.Date >= today && s.Date <= until).Where(SlotBookability.HasPlace)
                .ToListAsync(ct);
            // The rest of the rule in memory: SQLite cannot compare DateTimeOffset columns. The sites here are listed ones.
            nextBookable = slots.Where(s => SlotBookability.IsBookable(s, siteListed: true, now))
                .GroupBy(s => s.SiteId).ToDictionary(g => g.Key, g => g.Min(s => s.Date));
        }

        return sites.Select(s => new SiteDetails(
            s.Id, s.Code, s.Name, s.Kind, s.DistrictCode, districts.GetValueOrDefault(s.DistrictCode, ""), s.StreetCode, streets.GetValueOrDefault(s.StreetCode),
            s.Address, s.Phone, s.Latitude, s.Longitude, s.Notice,
            s.OpeningHours.OrderBy(h => ((int)h.Day + 6) % 7).ThenBy(h => h.Opens).Select(h => new OpeningHoursDto(h.Day, h.Opens, h.Closes)).ToList(),
            announcements.Where(a => a.SiteId == s.Id || (a.SiteId == null && a.DistrictCode == s.DistrictCode)).ToList(),
            productId is null ? null : nextBookable.ContainsKey(s.Id),
            nextBookable.TryGetValue(s.Id, out var next) ? next : null)).ToList();
    }

    private static DomainProblemException ProductNotFound() =>
        VaccinesErrors.ProductNotFound.Exception();

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
