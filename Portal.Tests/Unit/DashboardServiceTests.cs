using Portal.Data;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Areas;
using Portal.Core.Dashboard;
using Portal.Core.Employers;
using Portal.Core.Identity;
using Portal.Core.Statistics;
using Portal.Core.Vaccines;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Unit;

/// <summary>The big screen's figures, computed by hand from the counter rows each test inserts, on a real
/// SQLite file and on PostgreSQL (migrated and reference-seeded: 16 districts, their streets, the vaccine catalogue).</summary>
public sealed class DashboardServiceTests
{
    /// <summary>09:30 in Shanghai is 01:30 UTC: "today" must be the China date either way.</summary>
    private static readonly DateTimeOffset Now = new(2025, 3, 8, 9, 30, 0, TimeSpan.FromHours(8));
    private static readonly DateOnly Today = new(2025, 3, 8);

    [Fact]
    public void A_staff_scope_without_what_it_is_limited_to_has_no_screen()
    {
        Assert.Null(DashboardScope.For(new StaffScope("u", "u", "u", [], null)));
        Assert.Null(DashboardScope.For(new StaffScope("u", "u", "u", [], DataScopeKind.District)));
        Assert.Null(DashboardScope.For(new StaffScope("u", "u", "u", [], DataScopeKind.Site, DistrictCode: "310101")));
        Assert.Null(DashboardScope.For(new StaffScope("u", "u", "u", [], DataScopeKind.Employer, SiteId: 3)));
        Assert.Equal("site:3", DashboardScope.For(new StaffScope("u", "u", "u", [], DataScopeKind.Site, "310101", SiteId: 3))!.Key);
        Assert.Same(DashboardScope.City, DashboardScope.For(new StaffScope("u", "u", "u", [], DataScopeKind.City, "310101")));
    }

    [Fact]
    public async Task Today_is_always_fresh_and_earlier_days_reload_in_the_background_after_the_history_max_age()
    {
        var database = await TestDatabase.SqliteAsync();
        var clock = new FakeTimeProvider(Now);
        var service = new DashboardService(database, clock, new DashboardOptions { HistoryMaxAge = TimeSpan.FromMinutes(5) });
        var scenario = await ReferenceAsync(database);
        Assert.Equal(0, (await service.GetSnapshotAsync(DashboardScope.City)).CumulativeTotal);

        await AddAsync(database, Stat(Today, scenario.D1, scenario.S1, 0, scenario.P1, 1, 2), Stat(Today.AddDays(-1), scenario.D1, scenario.S1, 0, scenario.P1, 1, 7));
        var cached = await service.GetSnapshotAsync(DashboardScope.City);

        Assert.Equal(2, cached.TodayTotal);
        Assert.Equal(2, cached.CumulativeTotal); // yesterday's back-dated row is not seen yet

        clock.Advance(TimeSpan.FromMinutes(5));
        var stale = await service.GetSnapshotAsync(DashboardScope.City); // answers at once from the old figures, and starts the reload
        Assert.Equal(2, stale.TodayTotal);
        var refreshed = await WaitForAsync(service, s => s.CumulativeTotal == 9);

        Assert.Equal(9, refreshed.Last7DaysTotal);

        clock.SetUtcNow(new DateTimeOffset(2025, 3, 9, 0, 0, 1, TimeSpan.FromHours(8)));
        var tomorrow = await service.GetSnapshotAsync(DashboardScope.City); // a new day waits for its history

        Assert.Equal(Today.AddDays(1), tomorrow.Today);
        Assert.Equal(0, tomorrow.TodayTotal);
        Assert.Equal(9, tomorrow.CumulativeTotal);
        Assert.Equal([7L, 2L, 0L], tomorrow.DailyTrend.TakeLast(3).Select(d => d.Count));
    }

    private static async Task<DashboardSnapshot> WaitForAsync(DashboardService service, Func<DashboardSnapshot, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var snapshot = await service.GetSnapshotAsync(DashboardScope.City);
            if (condition(snapshot))
            {
                return snapshot;
            }

            Assert.True(DateTime.UtcNow < deadline, "the background reload did not finish in time");
            await Task.Delay(20);
        }
    }

    internal static async Task SnapshotFiguresMatchTheCountersAsync(Func<Task<TestDatabase>> create)
    {
        var database = await create();
        var s = await SeedScenarioAsync(database);
        var service = new DashboardService(database, new FakeTimeProvider(Now));

        var snapshot = await service.GetSnapshotAsync(DashboardScope.City);

        Assert.Equal(Now, snapshot.GeneratedAt);
        Assert.Equal(Today, snapshot.Today);
        Assert.Equal(5 + 3, snapshot.TodayTotal);
        Assert.Equal(8 + 4 + 2, snapshot.Last7DaysTotal);
        Assert.Equal(14 + 10 + 1, snapshot.Last30DaysTotal);
        Assert.Equal(25 + 100, snapshot.CumulativeTotal);

        Assert.Equal(30, snapshot.DailyTrend.Count);
        Assert.Equal(Enumerable.Range(-29, 30).Select(Today.AddDays), snapshot.DailyTrend.Select(d => d.Date));
        var trend = snapshot.DailyTrend.ToDictionary(d => d.Date, d => d.Count);
        Assert.Equal(1, trend[Today.AddDays(-29)]);
        Assert.Equal(10, trend[Today.AddDays(-7)]);
        Assert.Equal(2, trend[Today.AddDays(-6)]);
        Assert.Equal(4, trend[Today.AddDays(-1)]);
        Assert.Equal(8, trend[Today]);
        Assert.Equal(25, trend.Values.Sum());

        Assert.Equal(s.DistrictCount, snapshot.Districts.Count);
        var d1 = snapshot.Districts.Single(d => d.Code == s.D1.Code);
        var d2 = snapshot.Districts.Single(d => d.Code == s.D2.Code);
        Assert.Equal((s.D1.Name, s.D1.Population, 5L, 20L), (d1.Name, d1.Population, d1.Today, d1.Cumulative));
        Assert.Equal((s.D2.Name, s.D2.Population, 3L, 105L), (d2.Name, d2.Population, d2.Today, d2.Cumulative));
        Assert.Equal(20 * 10_000.0 / s.D1.Population, d1.RatePer10K, 9);
        Assert.Equal(105 * 10_000.0 / s.D2.Population, d2.RatePer10K, 9);
        var expectedRanking = snapshot.Districts.OrderByDescending(d => d.Cumulative * 10_000.0 / d.Population).ThenBy(d => d.Code).Select(d => d.Code);
        Assert.Equal(expectedRanking, snapshot.Ranking.Select(d => d.Code));
        Assert.Equal(Enumerable.Range(1, s.DistrictCount), snapshot.Ranking.Select(d => d.Rank));
        Assert.All(snapshot.Districts.Where(d => d.Code != s.D1.Code && d.Code != s.D2.Code), d => Assert.Equal(0, d.Cumulative));

        Assert.Equal(
            [new DoseNumberCount(1, 5, 5 + 2 + 10 + 1), new DoseNumberCount(2, 3, 3 + 4), new DoseNumberCount(3, 0, 100)],
            snapshot.ByDoseNumber);

        // Cecolin and its prefilled presentation are one brand.
        Assert.Equal(
            [new BrandCount(s.P2.Brand, s.P2.BrandEn, 3, 3 + 10 + 100), new BrandCount(s.P1.Brand, s.P1.BrandEn, 5, 5 + 4 + 2 + 1)],
            snapshot.ByBrand);

        var programmes = snapshot.ByProgramme.ToDictionary(p => p.Id);
        Assert.Equal(2, programmes.Count);
        Assert.Equal((5L, 12L), (programmes[s.P1.ProgrammeId].Today, programmes[s.P1.ProgrammeId].Cumulative));
        Assert.Equal((3L, 113L), (programmes[s.P2.ProgrammeId].Today, programmes[s.P2.ProgrammeId].Cumulative));
        Assert.Equal("HPV2", programmes[s.P1.ProgrammeId].Code);

        var employer = Assert.Single(snapshot.TopEmployers);
        Assert.Equal(new EmployerFigure(s.EmployerId, "上海测试科技有限公司", 200, 3, 5, 2.5), employer);

        Assert.Equal(
            new[] { (s.S1, 20L), (s.S2, 105L) }
                .Select(x => (x.Item1.Code, x.Item2, Rate: x.Item2 * 10_000.0 / x.Item1.Population))
                .OrderByDescending(x => x.Rate).Select(x => (x.Code, x.Item2)),
            snapshot.TopStreets.Select(x => (x.Code, x.Cumulative)));
        Assert.Equal(s.D1.Name, snapshot.TopStreets.Single(x => x.Code == s.S1.Code).DistrictName);

        // City-wide target first; the ended and the not-yet-started targets are not shown.
        Assert.Equal(
            [(s.CityTargetId, 3L + 10, 65.0), (s.DistrictTargetId, 5L + 4, 22.5)],
            snapshot.Targets.Select(t => (t.Id, t.Given, Math.Round(t.Percent, 6))));
        Assert.Equal((null, "HZ"), (snapshot.Targets[0].DistrictCode, snapshot.Targets[0].ProgrammeCode));
        Assert.Equal(s.D1.Name, snapshot.Targets[1].DistrictName);
    }

    internal static async Task EachScopeHoldsOnlyItsOwnFiguresAsync(Func<Task<TestDatabase>> create)
    {
        var database = await create();
        var s = await SeedScenarioAsync(database);
        var service = new DashboardService(database, new FakeTimeProvider(Now));
        var figures = await service.GetFiguresAsync();
        var d1 = figures.For(Scope(DataScopeKind.District, district: s.D1.Code));
        var d2 = figures.For(Scope(DataScopeKind.District, district: s.D2.Code));
        var site1 = figures.For(Scope(DataScopeKind.Site, site: 1));
        var employer = figures.For(Scope(DataScopeKind.Employer, employer: s.EmployerId));
        var city = figures.For(DashboardScope.City);

        // 黄浦 (D1): its own doses only, ranked alone, its street, its target; the employer is 徐汇's.
        Assert.Equal((5L, 5L + 4, 5L + 4 + 10 + 1, 20L), (d1.TodayTotal, d1.Last7DaysTotal, d1.Last30DaysTotal, d1.CumulativeTotal));
        Assert.Equal(new DashboardScopeLabel(DataScopeKind.District, $"district:{s.D1.Code}", s.D1.Name), d1.Scope);
        Assert.Equal([(s.D1.Code, 5L, 20L, 1)], d1.Districts.Select(d => (d.Code, d.Today, d.Cumulative, d.Rank)));
        Assert.Equal([s.S1.Code], d1.TopStreets.Select(x => x.Code));
        Assert.Empty(d1.TopEmployers);
        Assert.Equal([s.DistrictTargetId], d1.Targets.Select(t => t.Id));
        Assert.Equal([new DoseNumberCount(1, 5, 16), new DoseNumberCount(2, 0, 4)], d1.ByDoseNumber);
        Assert.Equal(20, d1.DailyTrend.Sum(d => d.Count));
        var json = JsonSerializer.Serialize(d1, JsonSerializerOptions.Web);
        Assert.DoesNotContain($"\"{s.D2.Code}\"", json);
        Assert.DoesNotContain(s.D2.Name, json);
        Assert.DoesNotContain(s.S2.Name, json);
        Assert.DoesNotContain("上海测试科技有限公司", json);

        // 徐汇 (D2): its employer, with the same figure as the city's; no target runs there.
        Assert.Equal((3L, 105L), (d2.TodayTotal, d2.CumulativeTotal));
        Assert.Equal([s.S2.Code], d2.TopStreets.Select(x => x.Code));
        Assert.Equal(city.TopEmployers, d2.TopEmployers);
        Assert.Empty(d2.Targets);

        // Site 1 gave D1's doses; a site sees no area rates, employers or targets.
        Assert.Equal((5L, 20L, "site:1"), (site1.TodayTotal, site1.CumulativeTotal, site1.Scope!.Key));
        Assert.Empty(site1.Districts);
        Assert.Empty(site1.TopStreets);
        Assert.Empty(site1.TopEmployers);
        Assert.Empty(site1.Targets);
        Assert.Equal(105, figures.For(Scope(DataScopeKind.Site, site: 2)).CumulativeTotal);

        // The employer: its staff's doses wherever given, itself alone.
        Assert.Equal((3L, 5L), (employer.TodayTotal, employer.CumulativeTotal));
        Assert.Equal(new DashboardScopeLabel(DataScopeKind.Employer, $"employer:{s.EmployerId}", "上海测试科技有限公司"), employer.Scope);
        Assert.Equal([s.EmployerId], employer.TopEmployers.Select(e => e.Id));
        Assert.Empty(employer.Districts);
        Assert.Empty(employer.TopStreets);
        Assert.Empty(employer.Targets);

        // The city: everything, and one composition per scope shared by every screen of it.
        Assert.Equal((8L, 125L, s.DistrictCount, 2), (city.TodayTotal, city.CumulativeTotal, city.Districts.Count, city.Targets.Count));
        Assert.Equal(new DashboardScopeLabel(DataScopeKind.City, "city", ""), city.Scope);
        Assert.Same(d1, figures.For(Scope(DataScopeKind.District, district: s.D1.Code)));
    }

    private static DashboardScope Scope(DataScopeKind kind, string? district = null, long? site = null, long? employer = null) =>
        DashboardScope.For(new StaffScope("t", "t", "t", [], kind, district, site, employer))!;

    internal static async Task EmptyCountersGiveAZeroSnapshotAsync(Func<Task<TestDatabase>> create)
    {
        var database = await create();
        var service = new DashboardService(database, new FakeTimeProvider(Now));

        var snapshot = await service.GetSnapshotAsync(DashboardScope.City);

        Assert.Equal((0L, 0L, 0L, 0L), (snapshot.TodayTotal, snapshot.Last7DaysTotal, snapshot.Last30DaysTotal, snapshot.CumulativeTotal));
        Assert.Equal(30, snapshot.DailyTrend.Count);
        Assert.All(snapshot.DailyTrend, d => Assert.Equal(0, d.Count));
        Assert.Equal(16, snapshot.Districts.Count);
        Assert.Equal(Enumerable.Range(1, 16), snapshot.Ranking.Select(d => d.Rank));
        Assert.Empty(snapshot.ByDoseNumber);
        Assert.Empty(snapshot.ByBrand);
        Assert.Empty(snapshot.TopStreets);
        Assert.Empty(snapshot.TopEmployers);
        Assert.Empty(snapshot.Targets);
    }

    private sealed record Scenario(
        District D1, District D2, Street S1, Street S2, VaccineProduct P1, VaccineProduct P2, int DistrictCount,
        long EmployerId = 0, long DistrictTargetId = 0, long CityTargetId = 0);

    private static async Task<Scenario> ReferenceAsync(TestDatabase database)
    {
        await using var db = database.CreateDbContext();
        var d1 = await db.Districts.AsNoTracking().SingleAsync(d => d.Code == "310101");
        var d2 = await db.Districts.AsNoTracking().SingleAsync(d => d.Code == "310104");
        return new Scenario(
            d1, d2,
            await db.Streets.AsNoTracking().Where(s => s.DistrictCode == d1.Code).OrderBy(s => s.Code).FirstAsync(),
            await db.Streets.AsNoTracking().Where(s => s.DistrictCode == d2.Code).OrderBy(s => s.Code).FirstAsync(),
            await db.Products.AsNoTracking().SingleAsync(p => p.Code == "HPV2-CECOLIN"),
            await db.Products.AsNoTracking().SingleAsync(p => p.Code == "HZ-SHINGRIX"),
            await db.Districts.CountAsync());
    }

    /// <summary>Counter rows (each commented with its day) plus an employer, a second product of one brand, and four targets.</summary>
    private static async Task<Scenario> SeedScenarioAsync(TestDatabase database)
    {
        var s = await ReferenceAsync(database);
        var prefilled = new VaccineProduct
        {
            ProgrammeId = s.P1.ProgrammeId, Code = "HPV2-CECOLIN-PFS", Name = "馨可宁（预充式）", NameEn = "Cecolin (prefilled)",
            Brand = s.P1.Brand, BrandEn = s.P1.BrandEn, Maker = s.P1.Maker, MakerEn = s.P1.MakerEn, SeriesGroup = s.P1.SeriesGroup,
        };
        var employer = new Employer
        {
            Name = "上海测试科技有限公司", CreditCode = "91310104TESTDB001X", DistrictCode = s.D2.Code, StreetCode = s.S2.Code, HeadCount = 200,
        };
        var districtTarget = new VaccinationTarget { ProgrammeCode = "HPV2", DistrictCode = s.D1.Code, TargetDoses = 40, StartsOn = Today.AddDays(-10), EndsOn = Today.AddDays(10) };
        var cityTarget = new VaccinationTarget { ProgrammeCode = "HZ", TargetDoses = 20, StartsOn = Today.AddDays(-7), EndsOn = Today };
        var ended = new VaccinationTarget { ProgrammeCode = "HPV2", DistrictCode = s.D2.Code, TargetDoses = 5, StartsOn = Today.AddDays(-40), EndsOn = Today.AddDays(-1) };
        var notStarted = new VaccinationTarget { ProgrammeCode = "HZ", DistrictCode = s.D1.Code, TargetDoses = 5, StartsOn = Today.AddDays(1), EndsOn = Today.AddDays(30) };

        await using (var db = database.CreateDbContext())
        {
            db.AddRange(prefilled, employer, districtTarget, cityTarget, ended, notStarted);
            await db.SaveChangesAsync();
        }

        await AddAsync(database,
            Stat(Today, s.D1, s.S1, 0, s.P1, 1, 5),
            Stat(Today, s.D2, s.S2, employer.Id, s.P2, 2, 3, site: 2),
            Stat(Today.AddDays(-1), s.D1, s.S1, 0, prefilled, 2, 4),
            Stat(Today.AddDays(-6), s.D2, s.S2, employer.Id, s.P1, 1, 2, site: 2),
            Stat(Today.AddDays(-7), s.D1, s.S1, 0, s.P2, 1, 10),
            Stat(Today.AddDays(-29), s.D1, s.S1, 0, s.P1, 1, 1),
            Stat(Today.AddDays(-30), s.D2, s.S2, 0, s.P2, 3, 100, site: 2),
            // A row dated in the future is a data error: never counted.
            Stat(Today.AddDays(1), s.D1, s.S1, 0, s.P1, 1, 1000));

        return s with { EmployerId = employer.Id, DistrictTargetId = districtTarget.Id, CityTargetId = cityTarget.Id };
    }

    private static async Task AddAsync(TestDatabase database, params DailyInjectionStat[] rows)
    {
        await using var db = database.CreateDbContext();
        db.DailyInjectionStats.AddRange(rows);
        await db.SaveChangesAsync();
    }

    private static DailyInjectionStat Stat(DateOnly date, District district, Street street, long employerId, VaccineProduct product, int dose, int count, long site = 1) =>
        new()
        {
            Date = date, DistrictCode = district.Code, StreetCode = street.Code, SiteId = site, EmployerId = employerId,
            ProgrammeId = product.ProgrammeId, ProductId = product.Id, DoseNumber = dose, Count = count,
        };
}

/// <summary>The dashboard's snapshots against the counters, on every provider.</summary>
public abstract class DashboardSnapshotTests : ProviderTests
{
    [SkippableFact]
    public Task Snapshot_figures_match_the_counters() => DashboardServiceTests.SnapshotFiguresMatchTheCountersAsync(NewDatabaseAsync);

    [SkippableFact]
    public Task Empty_counters_give_a_full_zero_snapshot() => DashboardServiceTests.EmptyCountersGiveAZeroSnapshotAsync(NewDatabaseAsync);

    [SkippableFact]
    public Task Each_scope_s_snapshot_holds_only_its_own_figures() => DashboardServiceTests.EachScopeHoldsOnlyItsOwnFiguresAsync(NewDatabaseAsync);
}

public sealed class DashboardSnapshotOnSqliteTests : DashboardSnapshotTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class DashboardSnapshotOnPostgreSqlTests : DashboardSnapshotTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
