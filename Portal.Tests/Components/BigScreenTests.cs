using System.Security.Claims;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Components.Pages.Dashboard;
using Portal.Core.Dashboard;
using Portal.Core.Identity;
using Portal.Core.Common;
using Portal.Core.Employers;
using Portal.Core.Injections;
using Portal.Core.Statistics;
using Portal.Dashboard;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Components;

/// <summary>The big screen's panels rendered from a hand-made snapshot, and the page following the notifier.</summary>
public sealed class BigScreenTests : BunitTestContext
{
    [Fact]
    public void Totals_show_formatted_numbers_and_the_raw_value_for_browser_tests()
    {
        var panel = Render<TotalsPanel>(p => p.Add(x => x.Snapshot, BigScreenSamples.Snapshot(todayTotal: 12_345)));

        var today = panel.Find("#today-total");
        Assert.Equal("12345", today.GetAttribute("data-value"));
        Assert.Equal("12,345", today.TextContent);
        Assert.Equal("300,000", panel.Find("#last30-total").TextContent);
        Assert.Equal("80,000", panel.Find("#last7-total").TextContent);
        Assert.Equal("4,567,890", panel.Find("#cumulative-total").TextContent);
        Assert.Equal("今日接种", panel.Find("h2").TextContent);
    }

    [Fact]
    public void Ranking_lists_districts_by_rank_with_rates_per_10k()
    {
        var panel = Render<RankingPanel>(p => p.Add(x => x.Snapshot, BigScreenSamples.Snapshot()));

        var rows = panel.FindAll("tbody tr");
        Assert.Equal(["310104", "310101", "310115"], rows.Select(r => r.GetAttribute("data-district")));
        Assert.Equal(["1", "徐汇区", "150,000", "1,347.6"], rows[0].QuerySelectorAll("td").Select(td => td.TextContent));
        Assert.Equal("1,056.1", rows[2].QuerySelector("[data-field=rate]")!.TextContent);
    }

    [Fact]
    public void District_chart_draws_one_bar_label_per_district_without_the_suffix()
    {
        var panel = Render<DistrictPanel>(p => p.Add(x => x.Snapshot, BigScreenSamples.Snapshot()));

        Assert.NotNull(panel.Find("svg"));
        var text = string.Join("|", panel.FindAll("svg text").Select(t => t.TextContent.Trim()));
        Assert.Contains("黄浦", text);
        Assert.Contains("浦东", text);
        Assert.DoesNotContain("浦东新区", text);
    }

    [Fact]
    public void Trend_chart_labels_every_fifth_day_ending_today()
    {
        var panel = Render<TrendPanel>(p => p.Add(x => x.Snapshot, BigScreenSamples.Snapshot()));

        var labels = panel.FindAll("svg text").Select(t => t.TextContent.Trim()).ToList();
        Assert.Contains("3/8", labels);
        Assert.Contains("3/3", labels);
        Assert.DoesNotContain("3/7", labels);
    }

    [Fact]
    public void Dose_numbers_are_labelled_in_chinese_and_in_english()
    {
        var snapshot = BigScreenSamples.Snapshot();
        var zh = Render<DoseNumberPanel>(p => p.Add(x => x.Snapshot, snapshot));

        Assert.NotNull(zh.Find("svg"));
        Assert.Equal(["第1剂 3,000,000", "第2剂 1,500,000", "第3剂 67,890"], zh.FindAll("li[data-dose]").Select(li => li.TextContent.Trim()));

        UseCulture("en");
        var en = Render<DoseNumberPanel>(p => p.Add(x => x.Snapshot, snapshot));
        Assert.Equal("Dose 1 3,000,000", en.Find("li[data-dose='1']").TextContent.Trim());
        Assert.Equal("Doses by dose number", en.Find("h2").TextContent);
    }

    [Fact]
    public void Brands_use_the_name_of_the_ui_culture()
    {
        var snapshot = BigScreenSamples.Snapshot();

        var zh = Render<BrandPanel>(p => p.Add(x => x.Snapshot, snapshot));
        Assert.Equal(["众爱可维 2,000,000", "馨可宁 40,000"], zh.FindAll("li[data-brand]").Select(li => li.TextContent.Trim()));

        UseCulture("en");
        var en = Render<BrandPanel>(p => p.Add(x => x.Snapshot, snapshot));
        Assert.Equal(["BBIBP-CorV 2,000,000", "Cecolin 40,000"], en.FindAll("li[data-brand]").Select(li => li.TextContent.Trim()));
    }

    [Fact]
    public void Brands_beyond_the_sixth_are_summed_as_other()
    {
        var brands = Enumerable.Range(1, 8).Select(i => new BrandCount($"品牌{i}", $"Brand {i}", 0, 1_000 - i)).ToList();
        var snapshot = BigScreenSamples.Snapshot() with { ByBrand = brands };

        var panel = Render<BrandPanel>(p => p.Add(x => x.Snapshot, snapshot));

        var items = panel.FindAll("li[data-brand]").Select(li => li.TextContent.Trim()).ToList();
        Assert.Equal(7, items.Count);
        Assert.Equal("品牌6 994", items[5]);
        Assert.Equal($"其他 {993 + 992:N0}", items[6]);
        Assert.Equal(7, panel.FindAll("svg path.mud-chart-serie").Count);
    }

    [Fact]
    public void Targets_show_area_programme_percent_and_doses()
    {
        var panel = Render<TargetPanel>(p => p.Add(x => x.Snapshot, BigScreenSamples.Snapshot()));

        var targets = panel.FindAll("[data-target]");
        Assert.Equal(2, targets.Count);
        Assert.Contains("全市 · 带状疱疹", targets[0].TextContent);
        Assert.Equal("65.0%", targets[0].QuerySelector("[data-field=percent]")!.TextContent);
        Assert.Contains("13,000 / 20,000", targets[0].TextContent);
        Assert.Contains("黄浦区 · 二价HPV", targets[1].TextContent);
        Assert.Equal("22.5%", targets[1].QuerySelector("[data-field=percent]")!.TextContent);
        Assert.Equal(2, panel.FindAll(".mud-progress-linear").Count);
    }

    [Fact]
    public void Street_and_employer_tables_show_their_rates()
    {
        var snapshot = BigScreenSamples.Snapshot();

        var streets = Render<StreetPanel>(p => p.Add(x => x.Snapshot, snapshot));
        Assert.Equal(["天平路街道", "徐汇区", "9,000", "1,800.0"], streets.Find("tr[data-street='310104003']").QuerySelectorAll("td").Select(td => td.TextContent));

        var employers = Render<EmployerPanel>(p => p.Add(x => x.Snapshot, snapshot));
        Assert.Equal(["上海测试科技有限公司", "150", "75.0"], employers.Find("tr[data-employer='7']").QuerySelectorAll("td").Select(td => td.TextContent));
    }

    [Fact]
    public async Task Page_shows_the_title_clock_and_every_panel_once_interactive()
    {
        await using var notifier = BigScreenSamples.Notifier(new FakeSnapshotSource(100));
        Services.AddSingleton(notifier);
        SignInWithScope("市疾控", Roles.CityAdmin, DataScopeKind.City);

        var page = Render<BigScreen>();

        page.WaitForAssertion(() => Assert.Equal("100", page.Find("#today-total").GetAttribute("data-value")));
        Assert.Equal("上海市疫苗接种实时大屏", page.Find("h1").TextContent);
        Assert.Equal("true", page.Find("#interactive").GetAttribute("data-ready"));
        Assert.Equal("2025-03-08 星期六 09:30:00", page.Find("#screen-clock").TextContent.Trim());
        Assert.Equal(
            ["totals", "trend", "ranking", "districts", "doses", "brands", "targets", "streets", "employers"],
            page.FindAll("[data-panel]").Select(p => p.GetAttribute("data-panel")));
    }

    [Fact]
    public async Task Page_title_is_english_under_en()
    {
        UseCulture("en");
        await using var notifier = BigScreenSamples.Notifier(new FakeSnapshotSource(1));
        Services.AddSingleton(notifier);
        SignInWithScope("CDC", Roles.CityAdmin, DataScopeKind.City);

        var page = Render<BigScreen>();

        Assert.Equal("Shanghai Vaccination Live Screen", page.Find("h1").TextContent);
    }

    [Fact]
    public async Task Page_re_renders_with_the_new_total_after_an_injection_and_unsubscribes_when_disposed()
    {
        var source = new FakeSnapshotSource(100);
        await using var notifier = BigScreenSamples.Notifier(source);
        Services.AddSingleton(notifier);
        SignInWithScope("市疾控", Roles.CityAdmin, DataScopeKind.City);
        var page = Render<BigScreen>();
        page.WaitForAssertion(() => Assert.Equal("100", page.Find("#today-total").GetAttribute("data-value")));
        Assert.Equal(1, notifier.SubscriberCount);

        source.Total = 101; // the injection service has incremented the counter
        await notifier.PublishAsync(BigScreenSamples.Injection());

        page.WaitForAssertion(() => Assert.Equal("101", page.Find("#today-total").GetAttribute("data-value")), TimeSpan.FromSeconds(5));
        Assert.Equal("101", page.Find("#today-total").TextContent);

        await DisposeComponentsAsync();
        Assert.Equal(0, notifier.SubscriberCount);
    }

    [Fact]
    public async Task A_district_user_s_screen_shows_only_its_district_computed_from_the_counters()
    {
        var (city, notifier) = await ScreenOverTwoDistrictsAsync();
        await using var _ = notifier;
        var xuhui = city.Districts.Single(d => d.Code == "310104");
        SignInWithScope("徐汇区管理员", Roles.DistrictAdmin, DataScopeKind.District, new Claim(StaffClaimTypes.ScopeDistrict, xuhui.Code));

        var page = Render<BigScreen>();

        page.WaitForAssertion(() => Assert.Equal("7", page.Find("#today-total").GetAttribute("data-value")));
        Assert.Equal($"{xuhui.Name} · 疫苗接种实时大屏", page.Find("h1").TextContent);
        Assert.Equal("district:310104", page.Find("h1").GetAttribute("data-scope"));
        Assert.Equal(["totals", "trend", "doses", "brands", "targets", "streets", "employers"], page.FindAll("[data-panel]").Select(p => p.GetAttribute("data-panel")));
        Assert.Equal("310104", Assert.Single(page.FindAll("[data-street]")).GetAttribute("data-street")![..6]);
        Assert.Equal(["徐汇测试有限公司"], page.FindAll("tr[data-employer] td:first-child").Select(td => td.TextContent));
        Assert.Single(page.FindAll("[data-target]"));
        var markup = page.Markup;
        Assert.All(city.Districts.Where(d => d.Code != xuhui.Code), d => Assert.DoesNotContain(d.Name, markup));
        Assert.DoesNotContain("黄浦测试有限公司", markup);
        Assert.DoesNotContain(Services.GetRequiredService<IStringLocalizer<ScreenTexts>>()["WholeCity"].Value, markup);
        Assert.Equal("7", page.Find("#cumulative-total").GetAttribute("data-value")); // the city's is 12
    }

    [Fact]
    public async Task The_city_user_s_screen_over_the_same_counters_shows_both_districts()
    {
        var (_, notifier) = await ScreenOverTwoDistrictsAsync();
        await using var _ = notifier;
        SignInWithScope("市疾控", Roles.CityAdmin, DataScopeKind.City);

        var page = Render<BigScreen>();

        page.WaitForAssertion(() => Assert.Equal("12", page.Find("#today-total").GetAttribute("data-value")));
        Assert.Equal("上海市疫苗接种实时大屏", page.Find("h1").TextContent);
        Assert.Contains("黄浦测试有限公司", page.Markup);
        Assert.Contains("徐汇测试有限公司", page.Markup);
        Assert.Equal(16, page.FindAll("tr[data-district]").Count);
    }

    [Fact]
    public async Task An_account_without_a_data_scope_sees_no_figures_and_subscribes_to_nothing()
    {
        await using var notifier = BigScreenSamples.Notifier(new FakeSnapshotSource(100));
        Services.AddSingleton(notifier);
        SignIn("无范围", Roles.DistrictAdmin, StaffPolicies.Of(Roles.DistrictAdmin)); // no scope claims at all

        var page = Render<BigScreen>();

        Assert.NotNull(page.Find("#no-scope"));
        Assert.Empty(page.FindAll("[data-panel]"));
        Assert.Equal(0, notifier.SubscriberCount);
    }

    private void SignInWithScope(string name, string role, DataScopeKind kind, params Claim[] claims) =>
        SignIn(name, role, StaffPolicies.Of(role), [new Claim(StaffClaimTypes.ScopeKind, kind.ToString()), .. claims]);

    /// <summary>The real dashboard service over a SQLite file with today's doses in 黄浦 (5) and 徐汇 (7), an employer and a
    /// target in each, and a city-wide target; returns the city's snapshot and the page's notifier (registered).</summary>
    private async Task<(DashboardSnapshot City, LiveDashboardNotifier Notifier)> ScreenOverTwoDistrictsAsync()
    {
        var database = await TestDatabase.SqliteAsync();
        var today = ChinaTime.DateOf(DefaultNow);
        await using (var db = database.CreateDbContext())
        {
            var product = await db.Products.FirstAsync(p => p.Code == "HPV2-CECOLIN");
            var programme = await db.Programmes.SingleAsync(p => p.Id == product.ProgrammeId);
            foreach (var (district, employerName, count) in new[] { ("310101", "黄浦测试有限公司", 5), ("310104", "徐汇测试有限公司", 7) })
            {
                var street = await db.Streets.Where(s => s.DistrictCode == district).OrderBy(s => s.Code).FirstAsync();
                var employer = new Employer { Name = employerName, CreditCode = $"91{district}BIGSCREEN", DistrictCode = district, StreetCode = street.Code, HeadCount = 100 };
                db.Add(employer);
                await db.SaveChangesAsync();
                db.Add(new VaccinationTarget { ProgrammeCode = programme.Code, DistrictCode = district, TargetDoses = 100, StartsOn = today.AddDays(-1), EndsOn = today.AddDays(1) });
                db.Add(new DailyInjectionStat
                {
                    Date = today, DistrictCode = district, StreetCode = street.Code, SiteId = district == "310101" ? 1 : 2, EmployerId = employer.Id,
                    ProgrammeId = product.ProgrammeId, ProductId = product.Id, DoseNumber = 1, Count = count,
                });
            }

            db.Add(new VaccinationTarget { ProgrammeCode = programme.Code, TargetDoses = 1000, StartsOn = today.AddDays(-1), EndsOn = today.AddDays(1) });
            await db.SaveChangesAsync();
        }

        var service = new DashboardService(database, Clock);
        var notifier = BigScreenSamples.Notifier(service);
        Services.AddSingleton(notifier);
        return (await service.GetSnapshotAsync(TestScopes.City), notifier);
    }
}

/// <summary>The notifier on its own: coalescing, isolation of subscribers, unsubscribing.</summary>
public sealed class BigScreenNotifierTests
{
    [Fact]
    public async Task A_burst_of_injections_is_coalesced_into_a_few_recomputes_and_the_last_one_sees_them_all()
    {
        var source = new FakeSnapshotSource(0) { Delay = TimeSpan.FromMilliseconds(50) };
        await using var notifier = BigScreenSamples.Notifier(source);
        var seen = new List<long>();
        using var subscription = notifier.Subscribe(TestScopes.City, s =>
        {
            lock (seen)
            {
                seen.Add(s.TodayTotal);
            }

            return Task.CompletedTask;
        });

        for (var i = 1; i <= 200; i++)
        {
            source.Total = i;
            await notifier.PublishAsync(BigScreenSamples.Injection(i));
        }

        await WaitUntilAsync(() => notifier.CurrentFor(TestScopes.City)?.TodayTotal == 200, TimeSpan.FromSeconds(3));
        Assert.InRange(source.Calls, 1, 4);
        lock (seen)
        {
            Assert.Equal(200, seen[^1]);
        }
    }

    [Fact]
    public async Task An_injection_after_a_quiet_spell_is_shown_within_a_second()
    {
        var source = new FakeSnapshotSource(5);
        await using var notifier = BigScreenSamples.Notifier(source);
        await notifier.GetSnapshotAsync(TestScopes.City);
        var received = new TaskCompletionSource<DashboardSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = notifier.Subscribe(TestScopes.City, s => { received.TrySetResult(s); return Task.CompletedTask; });

        source.Total = 6;
        var started = TimeProvider.System.GetTimestamp();
        await notifier.PublishAsync(BigScreenSamples.Injection());
        var snapshot = await received.Task.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(6, snapshot.TodayTotal);
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_failing_subscriber_does_not_keep_the_others_from_their_snapshot()
    {
        var source = new FakeSnapshotSource(1);
        await using var notifier = BigScreenSamples.Notifier(source);
        var received = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var failing = notifier.Subscribe(TestScopes.City, _ => throw new InvalidOperationException("screen gone"));
        using var faulted = notifier.Subscribe(TestScopes.City, _ => Task.FromException(new InvalidOperationException("async failure")));
        using var healthy = notifier.Subscribe(TestScopes.City, s => { received.TrySetResult(s.TodayTotal); return Task.CompletedTask; });

        await notifier.PublishAsync(BigScreenSamples.Injection());

        Assert.Equal(1, await received.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_disposed_subscription_gets_nothing_more()
    {
        var source = new FakeSnapshotSource(1);
        await using var notifier = BigScreenSamples.Notifier(source);
        var calls = 0;
        var subscription = notifier.Subscribe(TestScopes.City, _ => { Interlocked.Increment(ref calls); return Task.CompletedTask; });
        subscription.Dispose();
        subscription.Dispose();

        await notifier.RefreshAsync();

        Assert.Equal(0, calls);
        Assert.Equal(0, notifier.SubscriberCount);
    }

    [Fact]
    public async Task The_first_snapshot_is_computed_on_demand_and_then_reused()
    {
        var source = new FakeSnapshotSource(42);
        await using var notifier = BigScreenSamples.Notifier(source);

        Assert.Null(notifier.CurrentFor(TestScopes.City));
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => notifier.GetSnapshotAsync(TestScopes.City)));

        Assert.All(results, s => Assert.Equal(42, s.TodayTotal));
        Assert.Equal(1, source.Calls);
        Assert.Same(results[0], notifier.CurrentFor(TestScopes.City));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
