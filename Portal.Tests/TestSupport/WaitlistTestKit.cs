using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Booking;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Waitlist;
using Portal.Core.Slots;

namespace Portal.Tests.TestSupport;

/// <summary>A waitlist scenario on a test database: a clock, the services, and residents on their own accounts.</summary>
internal sealed class WaitlistTestKit
{
    public static readonly DateTimeOffset Start = new(2026, 11, 2, 1, 0, 0, TimeSpan.Zero); // 09:00 China time

    private static int _sequence;

    private WaitlistTestKit(TestDatabase db, long scarceProductId, long ordinaryProductId)
    {
        Db = db;
        ScarceProductId = scarceProductId;
        OrdinaryProductId = ordinaryProductId;
        Waitlist = new WaitlistService(db, Clock);
        Allocation = new AllocationService(db, Clock);
        Expiry = new OfferExpiryService(db, Clock, Options.Create(new WaitlistOptions()));
    }

    public TestDatabase Db { get; }
    public FakeTimeProvider Clock { get; } = new(Start);
    public long ScarceProductId { get; }
    public long OrdinaryProductId { get; }
    public WaitlistService Waitlist { get; }
    public AllocationService Allocation { get; }
    public OfferExpiryService Expiry { get; }

    public static async Task<WaitlistTestKit> CreateAsync(TestDatabase db)
    {
        await using var ctx = db.CreateDbContext();
        var scarce = await ctx.Products.Where(p => p.Code == "HPV9-GARDASIL9").Select(p => p.Id).SingleAsync();
        var ordinary = await ctx.Products.Where(p => !p.IsScarce && p.RequiredSex == null && p.MinAgeMonths >= 216).OrderBy(p => p.Id).Select(p => p.Id).FirstAsync();
        return new WaitlistTestKit(db, scarce, ordinary);
    }

    /// <summary>A resident (female, 30 by default) who holds her own account. Returns (accountId, residentId).</summary>
    public async Task<(long AccountId, long ResidentId)> NewResidentAsync(Sex sex = Sex.Female, int ageYears = 30, DateOnly? blockedUntil = null)
    {
        var n = Interlocked.Increment(ref _sequence);
        await using var ctx = Db.CreateDbContext();
        var resident = new Resident
        {
            Name = $"测试{n}", IdKind = IdDocumentKind.ResidentIdCard, IdNumberCipher = "x", IdNumberHash = Guid.NewGuid().ToString("N"),
            IdNumberMasked = $"310104********{n % 10000:0000}", Sex = sex, BirthDate = new DateOnly(1996 + 30 - ageYears, 3, 1), Residency = ResidencyKind.Permanent,
            ScarceBookingBlockedUntil = blockedUntil,
        };
        var account = new ResidentAccount { PhoneCipher = "c", PhoneHash = Guid.NewGuid().ToString("N"), PhoneMasked = "139****0000" };
        ctx.AddRange(resident, account);
        await ctx.SaveChangesAsync();
        ctx.Add(new FamilyMember { AccountId = account.Id, ResidentId = resident.Id, Relationship = Relationship.Self, AddedAt = Start });
        await ctx.SaveChangesAsync();
        return (account.Id, resident.Id);
    }

    /// <summary>Registers <paramref name="count"/> new residents one minute apart; returns their entry ids in registration order.</summary>
    public async Task<List<(long AccountId, long ResidentId, long EntryId)>> RegisterManyAsync(int count)
    {
        var result = new List<(long, long, long)>();
        for (var i = 0; i < count; i++)
        {
            var (account, resident) = await NewResidentAsync();
            var entry = await Waitlist.RegisterAsync(account, new RegisterInterestRequest(resident, ScarceProductId));
            result.Add((account, resident, entry.Id));
            Clock.Advance(TimeSpan.FromMinutes(1));
        }
        return result;
    }

    /// <summary>Registers a new resident with the given preferences; returns the entry id.</summary>
    public async Task<long> RegisterAsync(string? preferredDistrictCode, long? preferredSiteId)
    {
        var (account, resident) = await NewResidentAsync();
        var entry = await Waitlist.RegisterAsync(account, new RegisterInterestRequest(resident, ScarceProductId, preferredDistrictCode, preferredSiteId));
        Clock.Advance(TimeSpan.FromMinutes(1));
        return entry.Id;
    }

    /// <summary>A clinic in <paramref name="districtCode"/> (on its first street); returns its id.</summary>
    public async Task<long> NewSiteAsync(string districtCode)
    {
        await using var ctx = Db.CreateDbContext();
        var street = await ctx.Streets.Where(s => s.DistrictCode == districtCode).OrderBy(s => s.Code).FirstAsync();
        var site = new Site
        {
            Code = "W" + Guid.NewGuid().ToString("N")[..6], Name = "测试门诊", Kind = SiteKind.Clinic, DistrictCode = districtCode,
            StreetCode = street.Code, Address = "测试路2号", Phone = "021-12345678",
        };
        ctx.Add(site);
        await ctx.SaveChangesAsync();
        return site.Id;
    }

    public async Task<List<WaitlistOffer>> OffersAsync(long campaignId)
    {
        await using var ctx = Db.CreateDbContext();
        return await ctx.WaitlistOffers.AsNoTracking().Where(o => o.CampaignId == campaignId).OrderBy(o => o.Rank).ToListAsync();
    }

    public async Task<WaitlistStatus> StatusAsync(long entryId)
    {
        await using var ctx = Db.CreateDbContext();
        return await ctx.WaitlistEntries.Where(e => e.Id == entryId).Select(e => e.Status).SingleAsync();
    }

    /// <summary>A site with one slot of the scarce product tomorrow.</summary>
    public async Task<long> NewScarceSlotAsync()
    {
        await using var ctx = Db.CreateDbContext();
        var street = await ctx.Streets.OrderBy(s => s.Code).FirstAsync();
        var site = new Site
        {
            Code = "T" + Guid.NewGuid().ToString("N")[..6], Name = "测试门诊", Kind = SiteKind.Clinic, DistrictCode = street.DistrictCode,
            StreetCode = street.Code, Address = "测试路1号", Phone = "021-12345678",
        };
        ctx.Add(site);
        await ctx.SaveChangesAsync();
        var slot = new Slot
        {
            SiteId = site.Id, ProductId = ScarceProductId, Date = Portal.Core.Common.ChinaTime.Today(Clock).AddDays(1),
            StartTime = new TimeOnly(9, 0), EndTime = new TimeOnly(10, 0), Capacity = 5,
        };
        ctx.Add(slot);
        await ctx.SaveChangesAsync();
        return slot.Id;
    }
}
