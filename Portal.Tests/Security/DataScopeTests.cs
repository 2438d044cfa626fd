using Microsoft.EntityFrameworkCore;
using Portal.Core.Archives;
using Portal.Core.Common;
using Portal.Core.Dashboard;
using Portal.Core.Employers;
using Portal.Core.Identity;
using Portal.Core.Injections;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Slots;
using Portal.Core.Vaccines;
using Portal.Core.Waitlist;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Security;

/// <summary>
/// The data scope's one filter (<see cref="DataScope"/>) on a real database: each kind of scope sees exactly its own
/// sites, slots, archive requests, injections, districts, streets, employers and campaigns, and a scope without valid
/// claims sees none. The expectations are written out by name here, not computed with the filter. The in-memory form
/// the live screens use (<see cref="DashboardScope.Covers(ScopePlace)"/>) must agree with the database on every row.
/// </summary>
public class DataScopeTests
{
    private const string Xuhui = "310104";
    private const string Changning = "310105";

    [Fact]
    public Task Each_scope_sees_exactly_its_own_rows_on_sqlite() => ScenarioAsync(TestDatabase.SqliteAsync());

    [SkippableFact]
    public Task Each_scope_sees_exactly_its_own_rows_on_postgresql() => ScenarioAsync(TestDatabase.PostgreSqlAsync());

    private static async Task ScenarioAsync(Task<TestDatabase> database)
    {
        var db = await database;
        var w = await World.ArrangeAsync(db);

        var city = Scope(DataScopeKind.City);
        var xuhui = Scope(DataScopeKind.District, district: Xuhui);
        var siteA = Scope(DataScopeKind.Site, site: w.SiteA);
        var employer1 = Scope(DataScopeKind.Employer, employer: w.Employer1);
        StaffScope[] nobody =
        [
            Scope(null),
            Scope(DataScopeKind.District, district: "  "),
            Scope(DataScopeKind.Site),
            Scope(DataScopeKind.Employer),
            Scope((DataScopeKind)42, district: Xuhui, site: w.SiteA, employer: w.Employer1),
        ];

        await using var ctx = db.CreateDbContext();
        var allDistricts = await ctx.Districts.Select(d => d.Code).ToListAsync();
        var xuhuiStreets = await ctx.Streets.Where(s => s.DistrictCode == Xuhui).Select(s => s.Code).ToListAsync();
        var allStreets = await ctx.Streets.Select(s => s.Code).ToListAsync();

        var expected = new (string Name, StaffScope Scope, Seen Seen)[]
        {
            ("city", city, new(
                Sites: [w.SiteA, w.SiteB, w.SiteC], Slots: [w.SlotA, w.SlotB, w.SlotC], Archives: [w.ArchiveA, w.ArchiveC],
                Injections: [w.DoseR1AtA, w.DoseR2AtA, w.DoseR3AtC, w.DoseR1AtC], Districts: allDistricts, Streets: allStreets,
                Employers: [w.Employer1, w.Employer2], Campaigns: [w.CampaignXuhui, w.CampaignChangning, w.CampaignCity])),
            ("district", xuhui, new(
                Sites: [w.SiteA, w.SiteB], Slots: [w.SlotA, w.SlotB], Archives: [w.ArchiveA],
                Injections: [w.DoseR1AtA, w.DoseR2AtA], Districts: [Xuhui], Streets: xuhuiStreets,
                Employers: [w.Employer1], Campaigns: [w.CampaignXuhui])),
            ("site", siteA, new(
                Sites: [w.SiteA], Slots: [w.SlotA], Archives: [w.ArchiveA],
                Injections: [w.DoseR1AtA, w.DoseR2AtA], Districts: [], Streets: [], Employers: [], Campaigns: [])),
            ("employer", employer1, new(
                Sites: [], Slots: [], Archives: [],
                // Its staff's doses wherever given; the employer itself, not the district it is registered in.
                Injections: [w.DoseR1AtA, w.DoseR1AtC], Districts: [], Streets: [], Employers: [w.Employer1], Campaigns: [])),
        };

        foreach (var (name, scope, seen) in expected.Concat(nobody.Select(s => ("no valid scope", s, Seen.Nothing))))
        {
            var label = $"{name} ({scope.Kind?.ToString() ?? "none"})";
            Assert.True(seen.Sites.Order().SequenceEqual(await Ids(ctx.Sites.WithinScope(scope), w.Sites)), $"{label}: sites");
            Assert.True(seen.Slots.Order().SequenceEqual(await Ids(ctx.Set<Slot>().AtSitesWithinScope(scope, ctx, s => s.SiteId), w.Slots)), $"{label}: slots");
            Assert.True(seen.Archives.Order().SequenceEqual(await Ids(ctx.ArchiveRequests.AtSitesWithinScope(scope, ctx, r => r.ToSiteId), w.Archives)), $"{label}: archive requests");
            Assert.True(seen.Injections.Order().SequenceEqual(await Ids(ctx.Injections.WithinScope(scope, ctx), w.Injections)), $"{label}: injections");
            Assert.True(seen.Employers.Order().SequenceEqual(await Ids(ctx.Employers.WithinScope(scope), w.Employers)), $"{label}: employers");
            Assert.True(seen.Campaigns.Order().SequenceEqual(await Ids(ctx.Set<WaitlistCampaign>().WithinScope(scope), w.Campaigns)), $"{label}: campaigns");
            Assert.True(seen.Districts.Order(StringComparer.Ordinal).SequenceEqual(
                (await ctx.Districts.WithinScope(scope).Select(d => d.Code).ToListAsync()).Order(StringComparer.Ordinal)), $"{label}: districts");
            Assert.True(seen.Streets.Order(StringComparer.Ordinal).SequenceEqual(
                (await ctx.Streets.WithinScope(scope).Select(s => s.Code).ToListAsync()).Order(StringComparer.Ordinal)), $"{label}: streets");

            // The live screens apply the same rule in memory to the places the counters carry (the injection's copies).
            var screen = DashboardScope.For(scope);
            Assert.Equal(scope.IsValid, screen is not null);
            var covers = DataScope.Predicate(scope);
            foreach (var dose in await ctx.Injections.Where(i => w.Injections.Contains(i.Id)).ToListAsync())
            {
                var place = new ScopePlace(dose.DistrictCode, dose.SiteId, dose.EmployerId);
                Assert.True(seen.Injections.Contains(dose.Id) == covers(place), $"{label}: dose {dose.Id} in memory");
                Assert.True(seen.Injections.Contains(dose.Id) == (screen?.Covers(place) ?? false), $"{label}: dose {dose.Id} on the screen");
            }
        }
    }

    private static async Task<List<long>> Ids<T>(IQueryable<T> rows, long[] mine) where T : Entity =>
        (await rows.Select(r => r.Id).Where(id => mine.Contains(id)).ToListAsync()).Order().ToList();

    private static StaffScope Scope(DataScopeKind? kind, string? district = null, long? site = null, long? employer = null) =>
        new("scope-test", "scope.test", "范围测试", [], kind, district, site, employer);

    private sealed record Seen(
        IReadOnlyList<long> Sites, IReadOnlyList<long> Slots, IReadOnlyList<long> Archives, IReadOnlyList<long> Injections,
        IReadOnlyList<string> Districts, IReadOnlyList<string> Streets, IReadOnlyList<long> Employers, IReadOnlyList<long> Campaigns)
    {
        public static Seen Nothing { get; } = new([], [], [], [], [], [], [], []);
    }

    /// <summary>Sites A and B in Xuhui, C in Changning; employer 1 registered in Xuhui, 2 in Changning; resident 1 on
    /// employer 1's staff, 2 on employer 2's, 3 on none; doses of 1 and 2 at A, of 3 and 1 at C; a slot per site; archive
    /// requests to A and C; campaigns of Xuhui, of Changning and of the city.</summary>
    private sealed class World
    {
        public long SiteA, SiteB, SiteC, SlotA, SlotB, SlotC, ArchiveA, ArchiveC, Employer1, Employer2;
        public long DoseR1AtA, DoseR2AtA, DoseR3AtC, DoseR1AtC, CampaignXuhui, CampaignChangning, CampaignCity;

        public long[] Sites => [SiteA, SiteB, SiteC];
        public long[] Slots => [SlotA, SlotB, SlotC];
        public long[] Archives => [ArchiveA, ArchiveC];
        public long[] Injections => [DoseR1AtA, DoseR2AtA, DoseR3AtC, DoseR1AtC];
        public long[] Employers => [Employer1, Employer2];
        public long[] Campaigns => [CampaignXuhui, CampaignChangning, CampaignCity];

        public static async Task<World> ArrangeAsync(TestDatabase database)
        {
            await using var db = database.CreateDbContext();
            var xuhuiStreet = await db.Streets.Where(s => s.DistrictCode == Xuhui).OrderBy(s => s.Code).FirstAsync();
            var changningStreet = await db.Streets.Where(s => s.DistrictCode == Changning).OrderBy(s => s.Code).FirstAsync();
            var product = await db.Products.OrderBy(p => p.Id).FirstAsync();

            Site NewSite(string code, Portal.Core.Areas.Street street) => new()
            {
                Code = code, Name = $"范围测试门诊{code}", Kind = SiteKind.Clinic, DistrictCode = street.DistrictCode, StreetCode = street.Code, Address = "测试路1号",
            };
            var (a, b, c) = (NewSite("DS-A", xuhuiStreet), NewSite("DS-B", xuhuiStreet), NewSite("DS-C", changningStreet));
            var e1 = new Employer { Name = "范围测试甲公司", CreditCode = "91310104SCOPE0001X", DistrictCode = Xuhui, Address = "测试路2号", ContactName = "联系人" };
            var e2 = new Employer { Name = "范围测试乙公司", CreditCode = "91310105SCOPE0002X", DistrictCode = Changning, Address = "测试路3号", ContactName = "联系人" };
            var lot = new VaccineLot
            {
                ProductId = product.Id, BatchNumber = "SCOPE-LOT", ExpiryDate = new DateOnly(2027, 12, 31), TraceabilityCode = "8000009", BatchReleaseCertificate = "SJ-SCOPE",
            };
            var account = new ResidentAccount { PhoneCipher = "x", PhoneHash = "scope-test-account", PhoneMasked = "138****0000" };
            db.AddRange(a, b, c, e1, e2, lot, account);
            await db.SaveChangesAsync();

            Resident Person(int n, long? employer) => new()
            {
                Name = $"范围测试{n}", IdKind = IdDocumentKind.ResidentIdCard, Sex = Sex.Female, BirthDate = new DateOnly(1990, 1, n),
                Residency = ResidencyKind.Household, IdNumberCipher = "x", IdNumberHash = $"scope-test-{n}", IdNumberMasked = $"310104********000{n}",
                DistrictCode = Xuhui, StreetCode = xuhuiStreet.Code, EmployerId = employer,
            };
            var (r1, r2, r3) = (Person(1, e1.Id), Person(2, e2.Id), Person(3, null));
            db.Residents.AddRange(r1, r2, r3);
            await db.SaveChangesAsync();

            var at = new DateTimeOffset(2025, 3, 7, 2, 0, 0, TimeSpan.Zero);
            Injection Dose(Resident r, Site site, int day) => new()
            {
                ResidentId = r.Id, ProductId = product.Id, ProgrammeId = product.ProgrammeId, LotId = lot.Id, DoseNumber = day, SiteId = site.Id,
                DoctorUserId = "scope-test", InjectedAt = at.AddDays(day), InjectedOn = ChinaTime.DateOf(at.AddDays(day)), BodySite = "左上臂三角肌",
                DistrictCode = site.DistrictCode, StreetCode = site.StreetCode, EmployerId = r.EmployerId, CreatedAt = at,
            };
            var doses = new[] { Dose(r1, a, 1), Dose(r2, a, 1), Dose(r3, c, 1), Dose(r1, c, 2) };
            Slot NewSlot(Site site) => new()
            {
                SiteId = site.Id, ProductId = product.Id, Date = new DateOnly(2025, 3, 10), StartTime = new TimeOnly(9, 0), EndTime = new TimeOnly(11, 0), Capacity = 10,
            };
            var slots = new[] { NewSlot(a), NewSlot(b), NewSlot(c) };
            ArchiveRequest Request(Resident r, Site site) => new()
            {
                Kind = ArchiveRequestKind.Create, AccountId = account.Id, ResidentId = r.Id, ToSiteId = site.Id, Status = ArchiveRequestStatus.Pending,
            };
            var requests = new[] { Request(r1, a), Request(r3, c) };
            WaitlistCampaign Campaign(string name, string? district) => new()
            {
                ProductId = product.Id, Name = name, Method = AllocationMethod.FirstComeFirstServed, Places = 1, OfferHours = 48, DistrictCode = district,
            };
            var campaigns = new[] { Campaign("范围测试徐汇", Xuhui), Campaign("范围测试长宁", Changning), Campaign("范围测试全市", null) };
            db.AddRange(doses);
            db.AddRange(slots);
            db.AddRange(requests);
            db.AddRange(campaigns);
            await db.SaveChangesAsync();

            return new World
            {
                SiteA = a.Id, SiteB = b.Id, SiteC = c.Id, SlotA = slots[0].Id, SlotB = slots[1].Id, SlotC = slots[2].Id,
                ArchiveA = requests[0].Id, ArchiveC = requests[1].Id, Employer1 = e1.Id, Employer2 = e2.Id,
                DoseR1AtA = doses[0].Id, DoseR2AtA = doses[1].Id, DoseR3AtC = doses[2].Id, DoseR1AtC = doses[3].Id,
                CampaignXuhui = campaigns[0].Id, CampaignChangning = campaigns[1].Id, CampaignCity = campaigns[2].Id,
            };
        }
    }
}
