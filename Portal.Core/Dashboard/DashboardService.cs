using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Core.Areas;
using Portal.Core.Common;
using Portal.Core.Employers;
using Portal.Core.Identity;
using Portal.Core.Sites;
using Portal.Core.Statistics;
using Portal.Core.Vaccines;

namespace Portal.Core.Dashboard;

public sealed class DashboardOptions
{
    /// <summary>How long the figures for days before today (and the reference tables) are reused before
    /// a background reload. Only today's counters are read on every snapshot; a dose back-dated to an
    /// earlier day (or a new employer or target) shows up once this has passed and the reload is done.</summary>
    public TimeSpan HistoryMaxAge { get; set; } = TimeSpan.FromMinutes(5);

    public int TopStreets { get; set; } = 10;

    public int TopEmployers { get; set; } = 10;
}


/// <summary>
/// The big screens' figures, read from the <see cref="DailyInjectionStat"/> counters (never from the injections
/// table) with a handful of grouped queries that SQLite, PostgreSQL and SQL Server all translate. Days before today
/// cannot change in normal operation, so their grouped rows are cached for <see cref="DashboardOptions.HistoryMaxAge"/>
/// and a computation costs one grouped query over today's rows: cheap enough to run after every burst of injections.
/// When the cache expires it is reloaded in the background while computations keep using the old one, so only the
/// first one of the process and of each day waits for the full scan.
/// </summary>
/// <remarks>
/// One computation serves every scope: <see cref="GetFiguresAsync"/> keeps the grouped rows (by district, street,
/// site, employer, programme, product and dose number) and <see cref="DashboardFigures.For"/> composes a scope's
/// snapshot from them in memory. A scope's sums over the days before today are cached with the history.
/// Thread-safe: one instance serves every circuit, with a context per operation.
/// </remarks>
public sealed class DashboardService(
    IDbContextFactory<DbContext> contexts,
    TimeProvider clock,
    DashboardOptions? options = null,
    ILogger<DashboardService>? logger = null) : IDashboardSnapshotSource
{
    private const int TrendDays = 30;
    private const int WeekDays = 7;

    private readonly DashboardOptions options = options ?? new DashboardOptions();
    private readonly SemaphoreSlim historyLock = new(1, 1);
    private volatile History? history;
    private int reloading;

    /// <summary>Today's and earlier days' grouped counters, from which each scope's snapshot (today, the last 7 and
    /// 30 days, all time, by district, street, employer, dose number, brand and programme, and the running targets)
    /// is composed.</summary>
    public async Task<DashboardFigures> GetFiguresAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var today = ChinaTime.DateOf(now);
        var past = await GetHistoryAsync(today, now, ct);

        List<Slice> todays;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            todays = await SlicesAsync(db.Set<DailyInjectionStat>().AsNoTracking().Where(s => s.Date == today), ct);
        }

        return new CounterFigures(now, today, past, todays, options);
    }

    /// <summary>One scope's snapshot (a computation of its own: screens share one through the live notifier).</summary>
    public async Task<DashboardSnapshot> GetSnapshotAsync(DashboardScope scope, CancellationToken ct = default) =>
        (await GetFiguresAsync(ct)).For(scope);

    private async Task<History> GetHistoryAsync(DateOnly today, DateTimeOffset now, CancellationToken ct)
    {
        if (history is { } cached && cached.Today == today)
        {
            if (now - cached.LoadedAt >= options.HistoryMaxAge)
            {
                ReloadInBackground(today, now);
            }

            return cached;
        }

        // None yet, or yesterday's: today's figures would be wrong without it, so wait (once a day).
        await historyLock.WaitAsync(ct);
        try
        {
            if (history is { } again && again.Today == today)
            {
                return again;
            }

            var loaded = await LoadHistoryAsync(today, now, ct);
            history = loaded;
            return loaded;
        }
        finally
        {
            historyLock.Release();
        }
    }

    private void ReloadInBackground(DateOnly today, DateTimeOffset now)
    {
        if (Interlocked.Exchange(ref reloading, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            await historyLock.WaitAsync();
            try
            {
                if (history is not { } current || current.Today != today || current.LoadedAt < now)
                {
                    history = await LoadHistoryAsync(today, now, CancellationToken.None);
                }
            }
            catch (Exception ex)
            {
                // Keep serving the previous figures; the next computation tries again.
                logger?.LogWarning(ex, "Could not reload the dashboard history");
            }
            finally
            {
                historyLock.Release();
                Volatile.Write(ref reloading, 0);
            }
        });
    }

    /// <summary>Everything before <paramref name="today"/>: one scan grouped by every dimension the screens show
    /// (a few thousand groups), one grouped range query for the trend and one per target start date.</summary>
    private async Task<History> LoadHistoryAsync(DateOnly today, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var reference = await LoadReferenceAsync(db, ct);
        var before = db.Set<DailyInjectionStat>().AsNoTracking().Where(s => s.Date < today);
        var trendFrom = today.AddDays(1 - TrendDays);

        var slices = await SlicesAsync(before, ct);
        var days = await before.Where(s => s.Date >= trendFrom)
            .GroupBy(s => new { s.Date, s.DistrictCode, s.SiteId, s.EmployerId })
            .Select(g => new DaySlice(g.Key.Date, g.Key.DistrictCode, g.Key.SiteId, g.Key.EmployerId, g.Sum(s => (long)s.Count)))
            .ToListAsync(ct);

        var running = await db.Set<VaccinationTarget>().AsNoTracking()
            .Where(t => t.StartsOn <= today && t.EndsOn >= today)
            .ToListAsync(ct);
        var programmeByCode = reference.Programmes.Values.ToDictionary(p => p.Code);
        var targets = running
            .Where(t => programmeByCode.ContainsKey(t.ProgrammeCode))
            .Select(t => new RunningTarget(t, programmeByCode[t.ProgrammeCode].Id, programmeByCode[t.ProgrammeCode].Name, programmeByCode[t.ProgrammeCode].NameEn))
            .OrderBy(t => t.Target.DistrictCode is not null).ThenBy(t => t.Target.DistrictCode).ThenBy(t => t.Target.ProgrammeCode).ThenBy(t => t.Target.Id)
            .ToList();

        // Targets of one campaign share a start date: one query per start date, not per target.
        var givenBeforeToday = new Dictionary<long, long>();
        foreach (var campaign in targets.GroupBy(t => t.Target.StartsOn))
        {
            var start = campaign.Key;
            var sums = await before.Where(s => s.Date >= start)
                .GroupBy(s => new { s.DistrictCode, s.ProgrammeId })
                .Select(g => new { g.Key.DistrictCode, g.Key.ProgrammeId, Count = g.Sum(s => (long)s.Count) })
                .ToListAsync(ct);
            foreach (var t in campaign)
            {
                givenBeforeToday[t.Target.Id] = sums
                    .Where(s => s.ProgrammeId == t.ProgrammeId && (t.Target.DistrictCode is null || s.DistrictCode == t.Target.DistrictCode))
                    .Sum(s => s.Count);
            }
        }

        return new History(today, now, reference, slices, days, targets, givenBeforeToday);
    }

    private static Task<List<Slice>> SlicesAsync(IQueryable<DailyInjectionStat> stats, CancellationToken ct) =>
        stats.GroupBy(s => new { s.DistrictCode, s.StreetCode, s.SiteId, s.EmployerId, s.ProgrammeId, s.ProductId, s.DoseNumber })
            .Select(g => new Slice(g.Key.DistrictCode, g.Key.StreetCode, g.Key.SiteId, g.Key.EmployerId, g.Key.ProgrammeId,
                g.Key.ProductId, g.Key.DoseNumber, g.Sum(s => (long)s.Count)))
            .ToListAsync(ct);

    private static async Task<ReferenceData> LoadReferenceAsync(DbContext db, CancellationToken ct)
    {
        var districts = await db.Set<District>().AsNoTracking().OrderBy(d => d.SortOrder).ThenBy(d => d.Code)
            .Select(d => new District { Code = d.Code, Name = d.Name, Population = d.Population, SortOrder = d.SortOrder })
            .ToListAsync(ct);
        var streets = await db.Set<Street>().AsNoTracking()
            .Select(s => new Street { Code = s.Code, Name = s.Name, DistrictCode = s.DistrictCode, Population = s.Population })
            .ToDictionaryAsync(s => s.Code, ct);
        var sites = await db.Set<Site>().AsNoTracking()
            .Select(s => new { s.Id, s.Name })
            .ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var employers = await db.Set<Employer>().AsNoTracking()
            .Select(e => new EmployerInfo(e.Id, e.Name, e.DistrictCode, e.HeadCount))
            .ToDictionaryAsync(e => e.Id, ct);
        var products = await db.Set<VaccineProduct>().AsNoTracking()
            .Select(p => new ProductInfo(p.Id, p.Brand, p.BrandEn))
            .ToDictionaryAsync(p => p.Id, ct);
        var programmes = await db.Set<VaccineProgramme>().AsNoTracking()
            .Select(p => new ProgrammeInfo(p.Id, p.Code, p.Name, p.NameEn, p.SortOrder))
            .ToDictionaryAsync(p => p.Id, ct);
        return new ReferenceData(districts, districts.ToDictionary(d => d.Code, d => d.Name), streets, sites, employers, products, programmes);
    }

    private static double Per(long count, long denominator, int per) =>
        denominator > 0 ? count * (double)per / denominator : 0;

    private static Dictionary<TKey, long> Sum<TKey>(IEnumerable<Slice> slices, Func<Slice, TKey> key) where TKey : notnull =>
        slices.GroupBy(key).ToDictionary(g => g.Key, g => g.Sum(s => s.Count));

    private static IEnumerable<KeyValuePair<TKey, long>> Merge<TKey>(Dictionary<TKey, long> a, Dictionary<TKey, long> b) where TKey : notnull =>
        a.Keys.Union(b.Keys).Select(k => KeyValuePair.Create(k, a.GetValueOrDefault(k) + b.GetValueOrDefault(k)));

    /// <summary>Whether counter rows of this district, site and employer (0: none) count in <paramref name="scope"/>:
    /// the data scope's rule (<see cref="DashboardScope.Covers(ScopePlace)"/>), applied to grouped rows.</summary>
    private static Func<string, long, long, bool> InScope(DashboardScope scope) =>
        (district, site, employer) => scope.Covers(new ScopePlace(district, site, employer == 0 ? null : employer));

    /// <summary>One computation: the history it used and today's grouped rows, composed per scope on demand.</summary>
    private sealed class CounterFigures(DateTimeOffset now, DateOnly today, History past, List<Slice> todays, DashboardOptions options)
        : DashboardFigures(now)
    {
        protected override DashboardSnapshot Compose(DashboardScope scope)
        {
            var r = past.Reference;
            var inScope = InScope(scope);
            var sums = past.SumsFor(scope);
            var scoped = todays.Where(s => inScope(s.DistrictCode, s.SiteId, s.EmployerId)).ToList();
            var todayTotal = scoped.Sum(s => s.Count);
            var trend = Enumerable.Range(0, TrendDays)
                .Select(i => today.AddDays(i - TrendDays + 1))
                .Select(d => new DailyCount(d, d == today ? todayTotal : sums.ByDate.GetValueOrDefault(d)))
                .ToList();

            // Areas: the city shows every district and street; a district only itself and its own streets; a site's or
            // employer's doses say nothing about an area's population, so their screens show no area rates at all
            // (an area lies within the city and its own district only: the data scope's rule).
            var districtToday = Sum(scoped, s => s.DistrictCode);
            var districts = r.Districts
                .Where(d => scope.Covers(new ScopePlace(d.Code, null, null)))
                .Select(d =>
                {
                    var cumulative = sums.ByDistrict.GetValueOrDefault(d.Code) + districtToday.GetValueOrDefault(d.Code);
                    return (d, today: districtToday.GetValueOrDefault(d.Code), cumulative, rate: Per(cumulative, d.Population, 10_000));
                })
                .ToList();
            var ranks = districts.OrderByDescending(x => x.rate).ThenBy(x => x.d.Code)
                .Select((x, i) => (x.d.Code, Rank: i + 1)).ToDictionary(x => x.Code, x => x.Rank);

            var streetToday = Sum(scoped, s => s.StreetCode);
            var streets = Merge(sums.ByStreet, streetToday)
                .Select(x => (x.Key, x.Value, street: r.Streets.GetValueOrDefault(x.Key)))
                .Where(x => x.street is { Population: > 0 } && scope.Covers(new ScopePlace(x.street.DistrictCode, null, null)))
                .Select(x => new StreetFigure(x.Key, x.street!.Name, x.street.DistrictCode,
                    r.DistrictNames.GetValueOrDefault(x.street.DistrictCode, x.street.DistrictCode), x.street.Population,
                    streetToday.GetValueOrDefault(x.Key), x.Value, Per(x.Value, x.street.Population, 10_000)))
                .OrderByDescending(s => s.RatePer10K).ThenBy(s => s.Code)
                .Take(options.TopStreets)
                .ToList();

            var employers = EmployerFigures(scope);

            var doseToday = Sum(scoped, s => s.DoseNumber);
            var doses = Merge(sums.ByDoseNumber, doseToday)
                .OrderBy(x => x.Key)
                .Select(x => new DoseNumberCount(x.Key, doseToday.GetValueOrDefault(x.Key), x.Value))
                .ToList();

            var productToday = Sum(scoped, s => s.ProductId);
            var brands = Merge(sums.ByProduct, productToday)
                .GroupBy(x => r.Products.TryGetValue(x.Key, out var p) ? (p.Brand, p.BrandEn) : ($"#{x.Key}", $"#{x.Key}"))
                .Select(g => new BrandCount(g.Key.Item1, g.Key.Item2, g.Sum(x => productToday.GetValueOrDefault(x.Key)), g.Sum(x => x.Value)))
                .OrderByDescending(b => b.Cumulative).ThenBy(b => b.Brand, StringComparer.Ordinal)
                .ToList();

            var programmeToday = Sum(scoped, s => s.ProgrammeId);
            var programmes = Merge(sums.ByProgramme, programmeToday)
                .Select(x => (x.Key, x.Value, programme: r.Programmes.GetValueOrDefault(x.Key)))
                .OrderBy(x => x.programme?.SortOrder ?? int.MaxValue).ThenBy(x => x.Key)
                .Select(x => new ProgrammeCount(x.Key, x.programme?.Code ?? "", x.programme?.Name ?? $"#{x.Key}",
                    x.programme?.NameEn ?? $"#{x.Key}", programmeToday.GetValueOrDefault(x.Key), x.Value))
                .ToList();

            // A target is the city's or one district's: only the city sees them all, a district its own.
            var targets = past.Targets
                .Where(t => scope.Covers(new ScopePlace(t.Target.DistrictCode, null, null)))
                .Select(t =>
                {
                    var given = past.TargetGivenBeforeToday.GetValueOrDefault(t.Target.Id)
                        + todays.Where(s => s.ProgrammeId == t.ProgrammeId && (t.Target.DistrictCode is null || s.DistrictCode == t.Target.DistrictCode))
                            .Sum(s => s.Count);
                    return new TargetProgress(t.Target.Id, t.Target.ProgrammeCode, t.ProgrammeName, t.ProgrammeNameEn,
                        t.Target.DistrictCode, t.Target.DistrictCode is { } code ? r.DistrictNames.GetValueOrDefault(code, code) : "",
                        t.Target.StartsOn, t.Target.EndsOn, t.Target.TargetDoses, given, Per(given, t.Target.TargetDoses, 100));
                })
                .ToList();

            return new DashboardSnapshot(
                GeneratedAt: GeneratedAt,
                Today: today,
                TodayTotal: todayTotal,
                Last7DaysTotal: trend.Where(d => d.Date > today.AddDays(-WeekDays)).Sum(d => d.Count),
                Last30DaysTotal: trend.Sum(d => d.Count),
                CumulativeTotal: sums.Total + todayTotal,
                DailyTrend: trend,
                Districts: [.. districts.Select(x => new DistrictFigure(x.d.Code, x.d.Name, x.d.Population, x.today, x.cumulative, x.rate, ranks[x.d.Code]))],
                TopStreets: streets,
                TopEmployers: employers,
                ByDoseNumber: doses,
                ByBrand: brands,
                ByProgramme: programmes,
                Targets: targets,
                Scope: Label(scope));
        }

        /// <summary>
        /// An employer's figure is the same on every screen that shows it: all doses of its staff, wherever given (doses
        /// per 100 staff mean nothing over part of them). The city ranks every employer, a district the employers
        /// registered in it, an employer sees itself; a site's screen shows none (its patients' employers are not its own).
        /// </summary>
        private List<EmployerFigure> EmployerFigures(DashboardScope scope)
        {
            var r = past.Reference;
            var employerToday = Sum(todays.Where(s => s.EmployerId != 0), s => s.EmployerId);
            return Merge(past.SumsFor(DashboardScope.City).ByEmployer, employerToday)
                .Select(x => (x.Key, x.Value, employer: r.Employers.GetValueOrDefault(x.Key)))
                .Where(x => x.employer is { HeadCount: > 0 } && scope.Covers(new ScopePlace(x.employer.DistrictCode, null, x.Key)))
                .Select(x => new EmployerFigure(x.Key, x.employer!.Name, x.employer.HeadCount,
                    employerToday.GetValueOrDefault(x.Key), x.Value, Per(x.Value, x.employer.HeadCount, 100)))
                .OrderByDescending(e => e.DosesPer100Staff).ThenBy(e => e.Id)
                .Take(options.TopEmployers)
                .ToList();
        }

        private DashboardScopeLabel Label(DashboardScope scope)
        {
            var r = past.Reference;
            var name = scope.Kind switch
            {
                DataScopeKind.District => r.DistrictNames.GetValueOrDefault(scope.DistrictCode!, scope.DistrictCode!),
                DataScopeKind.Site => r.Sites.GetValueOrDefault(scope.SiteId!.Value, $"#{scope.SiteId}"),
                DataScopeKind.Employer => r.Employers.TryGetValue(scope.EmployerId!.Value, out var e) ? e.Name : $"#{scope.EmployerId}",
                _ => "",
            };
            return new DashboardScopeLabel(scope.Kind, scope.Key, name);
        }
    }

    private sealed record Slice(string DistrictCode, string StreetCode, long SiteId, long EmployerId, long ProgrammeId, long ProductId, int DoseNumber, long Count);

    /// <summary>Doses of one day at one site (and so one district) for one employer (0: none), for the trend.</summary>
    private sealed record DaySlice(DateOnly Date, string DistrictCode, long SiteId, long EmployerId, long Count);

    private sealed record EmployerInfo(long Id, string Name, string DistrictCode, int HeadCount);

    private sealed record ProductInfo(long Id, string Brand, string BrandEn);

    private sealed record ProgrammeInfo(long Id, string Code, string Name, string NameEn, int SortOrder);

    private sealed record RunningTarget(VaccinationTarget Target, long ProgrammeId, string ProgrammeName, string ProgrammeNameEn);

    private sealed record ReferenceData(
        List<District> Districts,
        Dictionary<string, string> DistrictNames,
        Dictionary<string, Street> Streets,
        Dictionary<long, string> Sites,
        Dictionary<long, EmployerInfo> Employers,
        Dictionary<long, ProductInfo> Products,
        Dictionary<long, ProgrammeInfo> Programmes);

    /// <summary>One scope's sums over the days before today.</summary>
    private sealed record Sums(
        long Total,
        Dictionary<DateOnly, long> ByDate,
        Dictionary<string, long> ByDistrict,
        Dictionary<string, long> ByStreet,
        Dictionary<long, long> ByEmployer,
        Dictionary<int, long> ByDoseNumber,
        Dictionary<long, long> ByProduct,
        Dictionary<long, long> ByProgramme);

    private sealed record History(
        DateOnly Today,
        DateTimeOffset LoadedAt,
        ReferenceData Reference,
        List<Slice> Slices,
        List<DaySlice> Days,
        List<RunningTarget> Targets,
        Dictionary<long, long> TargetGivenBeforeToday)
    {
        // Per scope, for as long as this history is used: a scope's first screen pays one pass over the grouped rows.
        private readonly ConcurrentDictionary<DashboardScope, Sums> sums = new();

        public Sums SumsFor(DashboardScope scope) => sums.GetOrAdd(scope, s =>
        {
            var inScope = InScope(s);
            var slices = Slices.Where(x => inScope(x.DistrictCode, x.SiteId, x.EmployerId)).ToList();
            var byDate = Days.Where(x => inScope(x.DistrictCode, x.SiteId, x.EmployerId))
                .GroupBy(x => x.Date).ToDictionary(g => g.Key, g => g.Sum(x => x.Count));
            return new Sums(slices.Sum(x => x.Count), byDate,
                Sum(slices, x => x.DistrictCode), Sum(slices, x => x.StreetCode), Sum(slices.Where(x => x.EmployerId != 0), x => x.EmployerId),
                Sum(slices, x => x.DoseNumber), Sum(slices, x => x.ProductId), Sum(slices, x => x.ProgrammeId));
        });
    }
}
