using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Dashboard;
using Portal.Core.Identity;
using Portal.Core.Common;
using Portal.Core.Injections;
using Portal.Core.Statistics;
using Portal.Dashboard;

namespace Portal.Tests.TestSupport;

/// <summary>Returns sample figures whose TodayTotal is <see cref="Total"/> at the time of the call, scoped by
/// <see cref="BigScreenSamples.ScopedTo"/>.</summary>
public sealed class FakeSnapshotSource(long total) : IDashboardSnapshotSource
{
    private long total = total;
    private int calls;

    public long Total
    {
        get => Interlocked.Read(ref total);
        set => Interlocked.Exchange(ref total, value);
    }

    public int Calls => Volatile.Read(ref calls);

    public TimeSpan Delay { get; init; }

    public async Task<DashboardFigures> GetFiguresAsync(CancellationToken ct = default)
    {
        Interlocked.Increment(ref calls);
        var value = Total;
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, ct);
        }

        return new SampleFigures(BigScreenSamples.Snapshot(value));
    }

    private sealed class SampleFigures(DashboardSnapshot city) : DashboardFigures(city.GeneratedAt)
    {
        protected override DashboardSnapshot Compose(DashboardScope scope) => BigScreenSamples.ScopedTo(city, scope);
    }
}

/// <summary>Dashboard scopes for tests, derived from staff scopes as the Portal derives them.</summary>
public static class TestScopes
{
    public static DashboardScope City => DashboardScope.City;

    public static DashboardScope District(string code) => Of(DataScopeKind.District, district: code);

    public static DashboardScope Site(long id) => Of(DataScopeKind.Site, site: id);

    public static DashboardScope Employer(long id) => Of(DataScopeKind.Employer, employer: id);

    private static DashboardScope Of(DataScopeKind kind, string? district = null, long? site = null, long? employer = null) =>
        DashboardScope.For(new StaffScope("test", "test", "test", [], kind, district, site, employer))!;
}

public static class BigScreenSamples
{
    public static readonly DateOnly Today = new(2025, 3, 8);

    /// <summary>A notifier on the real clock (the coalescing delay must elapse), without periodic refresh or hub.</summary>
    public static LiveDashboardNotifier Notifier(IDashboardSnapshotSource source) =>
        new(source, TimeProvider.System, NullLogger<LiveDashboardNotifier>.Instance,
            Options.Create(new LiveOptions { RefreshInterval = TimeSpan.Zero }));

    public static InjectionRecorded Injection(long id = 1, string district = "310104", long site = 1, long? employer = null) =>
        new(id, DateTimeOffset.UtcNow, Today, SiteId: site, DistrictCode: district, StreetCode: district + "003", EmployerId: employer,
            ProgrammeId: 1, ProductId: 1, DoseNumber: 1);

    /// <summary>The sample city snapshot cut down to a scope, much as the dashboard service composes one: a district keeps
    /// its own district, streets and targets; a site or employer none of them; the employer keeps itself.</summary>
    public static DashboardSnapshot ScopedTo(DashboardSnapshot city, DashboardScope scope)
    {
        var label = new DashboardScopeLabel(scope.Kind, scope.Key, scope.Kind switch
        {
            DataScopeKind.District => city.Districts.FirstOrDefault(d => d.Code == scope.DistrictCode)?.Name ?? scope.DistrictCode!,
            DataScopeKind.Site => $"测试门诊{scope.SiteId}",
            DataScopeKind.Employer => city.TopEmployers.FirstOrDefault(e => e.Id == scope.EmployerId)?.Name ?? $"#{scope.EmployerId}",
            _ => "",
        });
        return scope.Kind switch
        {
            DataScopeKind.City => city with { Scope = label },
            DataScopeKind.District => city with
            {
                Districts = [.. city.Districts.Where(d => d.Code == scope.DistrictCode).Select(d => d with { Rank = 1 })],
                TopStreets = [.. city.TopStreets.Where(s => s.DistrictCode == scope.DistrictCode)],
                TopEmployers = [],
                Targets = [.. city.Targets.Where(t => t.DistrictCode == scope.DistrictCode)],
                Scope = label,
            },
            _ => city with
            {
                Districts = [],
                TopStreets = [],
                TopEmployers = [.. city.TopEmployers.Where(e => scope.Kind == DataScopeKind.Employer && e.Id == scope.EmployerId)],
                Targets = [],
                Scope = label,
            },
        };
    }

    public static DashboardSnapshot Snapshot(long todayTotal = 12_345) => new(
        GeneratedAt: new DateTimeOffset(2025, 3, 8, 1, 30, 0, TimeSpan.Zero),
        Today: Today,
        TodayTotal: todayTotal,
        Last7DaysTotal: 80_000,
        Last30DaysTotal: 300_000,
        CumulativeTotal: 4_567_890,
        DailyTrend: [.. Enumerable.Range(0, 30).Select(i => new DailyCount(Today.AddDays(i - 29), 9_000 + (i * 37)))],
        Districts:
        [
            new("310101", "黄浦区", 662_030, 1_200, 80_000, 1_208.4, 2),
            new("310104", "徐汇区", 1_113_078, 2_300, 150_000, 1_347.6, 1),
            new("310115", "浦东新区", 5_681_512, 5_000, 600_000, 1_056.1, 3),
        ],
        TopStreets:
        [
            new("310104003", "天平路街道", "310104", "徐汇区", 50_000, 100, 9_000, 1_800.0),
            new("310101002", "南京东路街道", "310101", "黄浦区", 60_000, 80, 9_600, 1_600.0),
        ],
        TopEmployers: [new(7, "上海测试科技有限公司", 200, 3, 150, 75.0)],
        ByDoseNumber: [new(1, 8_000, 3_000_000), new(2, 4_000, 1_500_000), new(3, 345, 67_890)],
        ByBrand: [new("众爱可维", "BBIBP-CorV", 5_000, 2_000_000), new("馨可宁", "Cecolin", 300, 40_000)],
        ByProgramme: [new(9, "COVID", "新冠", "COVID-19", 5_000, 2_000_000), new(1, "HPV2", "二价HPV", "HPV bivalent", 300, 40_000)],
        Targets:
        [
            new(1, "HZ", "带状疱疹", "Herpes zoster", null, "", Today.AddDays(-7), Today.AddDays(20), 20_000, 13_000, 65.0),
            new(2, "HPV2", "二价HPV", "HPV bivalent", "310101", "黄浦区", Today.AddDays(-10), Today.AddDays(10), 40_000, 9_000, 22.5),
        ]);
}
