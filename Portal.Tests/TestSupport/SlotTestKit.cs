using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Booking;
using Portal.Core.Identity;
using Portal.Core.Injections;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Slots;
using Portal.Core.Vaccines;

namespace Portal.Tests.TestSupport;

/// <summary>Shared arrangements of the slot tests: a fixed clock, sites, templates, residents and injections.</summary>
internal static class SlotTestKit
{
    /// <summary>Monday 2026-03-02, 08:00 in Shanghai.</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 8, 0, 0, TimeSpan.FromHours(8));

    public static readonly DateOnly Today = new(2026, 3, 2);

    public static FakeTimeProvider Clock() => new(Now.ToUniversalTime());

    public static readonly StaffScope City = new("u-city", "city", "city", [Roles.CityAdmin], DataScopeKind.City);

    public static StaffScope SiteAdmin(long siteId) => new("u-site", "site", "site", [Roles.SiteAdmin], DataScopeKind.Site, SiteId: siteId);

    public static StaffScope DistrictAdmin(string district) => new("u-d", "district", "district", [Roles.DistrictAdmin], DataScopeKind.District, district);

    public static SlotGenerator Generator(TestDatabase db, TimeProvider clock, int daysAhead = 14, bool followStock = false) =>
        new(db, clock, Options.Create(new SlotOptions { GenerateDaysAhead = daysAhead, CapacityFollowsStock = followStock }));

    /// <param name="streetIndex">Which street (by code) the site is in; negative counts from the last one (another district).</param>
    public static async Task<Site> SiteAsync(TestDatabase db, int streetIndex = 0)
    {
        await using var ctx = db.CreateDbContext();
        var street = streetIndex >= 0
            ? await ctx.Streets.OrderBy(s => s.Code).Skip(streetIndex).FirstAsync()
            : await ctx.Streets.OrderByDescending(s => s.Code).Skip(-streetIndex - 1).FirstAsync();
        var site = new Site { Code = "SL-" + Guid.NewGuid().ToString("N")[..8], Name = "号源测试门诊", Kind = SiteKind.Clinic, DistrictCode = street.DistrictCode, StreetCode = street.Code };
        ctx.Sites.Add(site);
        await ctx.SaveChangesAsync();
        return site;
    }

    public static async Task<VaccineProduct> ProductAsync(TestDatabase db, string code)
    {
        await using var ctx = db.CreateDbContext();
        return await ctx.Products.AsNoTracking().FirstAsync(p => p.Code == code);
    }

    public static async Task<SlotTemplate> TemplateAsync(TestDatabase db, long siteId, long productId, DayOfWeek day, int capacity = 10,
        int? releaseDaysBefore = null, TimeOnly? releaseTime = null, bool active = true)
    {
        await using var ctx = db.CreateDbContext();
        var t = new SlotTemplate
        {
            SiteId = siteId, ProductId = productId, Day = day, StartTime = new(8, 30), EndTime = new(11, 30), Capacity = capacity,
            ReleaseDaysBefore = releaseDaysBefore, ReleaseTime = releaseTime, IsActive = active,
        };
        ctx.SlotTemplates.Add(t);
        await ctx.SaveChangesAsync();
        return t;
    }

    public static async Task<Slot> SlotAsync(TestDatabase db, long siteId, long productId, DateOnly date, int capacity, int booked = 0)
    {
        await using var ctx = db.CreateDbContext();
        var slot = new Slot { SiteId = siteId, ProductId = productId, Date = date, StartTime = new(13, 0), EndTime = new(15, 0), Capacity = capacity, Booked = booked };
        ctx.Slots.Add(slot);
        await ctx.SaveChangesAsync();
        return slot;
    }

    public static async Task<VaccineLot> LotAsync(TestDatabase db, long productId, DateOnly expiry)
    {
        await using var ctx = db.CreateDbContext();
        var lot = new VaccineLot { ProductId = productId, BatchNumber = "B" + Guid.NewGuid().ToString("N")[..10], ExpiryDate = expiry };
        ctx.Lots.Add(lot);
        await ctx.SaveChangesAsync();
        return lot;
    }

    public static async Task StockAsync(TestDatabase db, long siteId, long lotId, int onHand)
    {
        await using var ctx = db.CreateDbContext();
        ctx.LotStocks.Add(new LotStock { SiteId = siteId, LotId = lotId, OnHand = onHand, UpdatedAt = Now.ToUniversalTime() });
        await ctx.SaveChangesAsync();
    }

    public static async Task<Resident> ResidentAsync(TestDatabase db, int ageYears)
    {
        await using var ctx = db.CreateDbContext();
        var r = new Resident
        {
            Name = "李华", IdKind = IdDocumentKind.Passport, IdNumberCipher = "x", IdNumberHash = "slot-" + Guid.NewGuid().ToString("N"), IdNumberMasked = "x",
            Sex = Sex.Female, BirthDate = Today.AddYears(-ageYears).AddDays(-200), Residency = ResidencyKind.Household,
        };
        ctx.Residents.Add(r);
        await ctx.SaveChangesAsync();
        return r;
    }

    /// <summary>Dose <paramref name="dose"/> given <paramref name="daysAgo"/> days ago.</summary>
    public static async Task InjectionAsync(TestDatabase db, long residentId, VaccineProduct product, long lotId, long siteId, int dose, int daysAgo)
    {
        await using var ctx = db.CreateDbContext();
        var at = Now.AddDays(-daysAgo).ToUniversalTime();
        ctx.Injections.Add(new Injection
        {
            ResidentId = residentId, ProductId = product.Id, ProgrammeId = product.ProgrammeId, LotId = lotId, DoseNumber = dose, SiteId = siteId,
            DoctorUserId = "doc", InjectedAt = at, InjectedOn = DateOnly.FromDateTime(at.ToOffset(TimeSpan.FromHours(8)).DateTime), BodySite = "左上臂",
        });
        await ctx.SaveChangesAsync();
    }

    public static async Task AppointmentAsync(TestDatabase db, Slot slot, long residentId, int dose, AppointmentStatus status)
    {
        await using var ctx = db.CreateDbContext();
        ctx.Appointments.Add(new Appointment
        {
            SlotId = slot.Id, SiteId = slot.SiteId, ProductId = slot.ProductId, ResidentId = residentId, AccountId = 1, DoseNumber = dose,
            Date = slot.Date, Status = status,
        });
        await ctx.SaveChangesAsync();
    }

    public static async Task<List<Slot>> SlotsOfAsync(TestDatabase db, long siteId)
    {
        await using var ctx = db.CreateDbContext();
        return await ctx.Slots.AsNoTracking().Where(s => s.SiteId == siteId).OrderBy(s => s.Date).ThenBy(s => s.StartTime).ToListAsync();
    }
}

/// <summary>One migrated SQLite database per test class; each test arranges its own site in it.</summary>
public sealed class SlotSqliteFixture : IAsyncLifetime
{
    public TestDatabase Db { get; private set; } = default!;

    public async Task InitializeAsync() => Db = await TestDatabase.SqliteAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
