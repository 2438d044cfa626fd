using Microsoft.EntityFrameworkCore;
using Portal.Core.Areas;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Content;
using Portal.Core.Sites;
using Portal.Core.Vaccines;

namespace Portal.Core.Clinics;

public sealed record OpeningHoursDto(DayOfWeek Day, TimeOnly Opens, TimeOnly Closes);

/// <param name="HasBookableSlots">Only when a product was asked for: an open, released slot with places in the next 14 days.</param>
public sealed record ClinicDto(
    long Id, string Code, string Name, SiteKind Kind, string DistrictCode, string DistrictName, string StreetCode, string? StreetName,
    string Address, string Phone, double? Latitude, double? Longitude, string? Notice, IReadOnlyList<OpeningHoursDto> OpeningHours,
    IReadOnlyList<AnnouncementDto> Announcements, bool? HasBookableSlots, DateOnly? NextBookableDate);

/// <summary>门诊查询: sites by district, street and vaccine, with opening hours and announcements.</summary>
public sealed class ClinicService(IDbContextFactory<DbContext> contexts, TimeProvider clock)
{
    public const int SlotHorizonDays = 14;

    public async Task<IReadOnlyList<ClinicDto>> SearchAsync(string? district, string? street, long? productId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        district = Blank(district);
        street = Blank(street);
        if (district is not null && !await db.Set<District>().AnyAsync(d => d.Code == district, ct))
            throw ClinicsErrors.DistrictNotFound.Exception();
        if (street is not null && !await db.Set<Street>().AnyAsync(s => s.Code == street && (district == null || s.DistrictCode == district), ct))
            throw ClinicsErrors.StreetNotFound.Exception();
        if (productId is { } pid && !await db.Set<VaccineProduct>().AnyAsync(p => p.Id == pid, ct))
            throw ProductNotFound();

        var today = ChinaTime.Today(clock);
        var sites = await db.Set<Site>().AsNoTracking().Include(s => s.OpeningHours)
            .Where(s => s.IsActive && (district == null || s.DistrictCode == district) && (street == null || s.StreetCode == street))
            .Where(s => s.ActiveTo == null || s.ActiveTo >= today)
            .OrderBy(s => s.Code).ToListAsync(ct);
        return await ShapeAsync(db, sites, productId, ct);
    }

    public async Task<ClinicDto> GetAsync(long id, long? productId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (productId is { } pid && !await db.Set<VaccineProduct>().AnyAsync(p => p.Id == pid, ct))
            throw ProductNotFound();
        var site = await db.Set<Site>().AsNoTracking().Include(s => s.OpeningHours).FirstOrDefaultAsync(s => s.Id == id && s.IsActive, ct)
            ?? throw SitesErrors.SiteNotFound.Exception();
        return (await ShapeAsync(db, [site], productId, ct))[0];
    }

    private async Task<IReadOnlyList<ClinicDto>> ShapeAsync(DbContext db, List<Site> sites, long? productId, CancellationToken ct)
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
                .Where(s => s.ProductId == pid && siteIds.Contains(s.SiteId) && s.Date >= today && s.Date <= until && !s.IsClosed && s.Booked < s.Capacity)
                .Select(s => new { s.SiteId, s.Date, s.EndTime, s.ReleaseAt }).ToListAsync(ct);
            // Release times and today's finished slots are checked here: SQLite cannot compare DateTimeOffset columns.
            nextBookable = slots.Where(s => (s.ReleaseAt == null || s.ReleaseAt <= now) && ChinaTime.At(s.Date, s.EndTime) > now)
                .GroupBy(s => s.SiteId).ToDictionary(g => g.Key, g => g.Min(s => s.Date));
        }

        return sites.Select(s => new ClinicDto(
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
