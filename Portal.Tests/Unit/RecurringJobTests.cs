using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Common;
using Portal.Core.Jobs;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Unit;

/// <summary>The one recurring-job mechanism (<see cref="RecurringJobHost"/>): China-time schedules, one run per
/// occurrence across instances (<see cref="JobClaims"/>), failures that do not stop the loop.</summary>
public sealed class RecurringJobTests
{
    // 2026-12-02 09:30 in Shanghai.
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 1, 30, 0, TimeSpan.Zero);

    [Fact]
    public void A_daily_schedule_is_China_wall_clock_time_and_catches_up_only_today()
    {
        var daily = JobSchedule.DailyAt(new TimeOnly(8, 0));
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero), daily.NextAfter(Now));
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero), daily.AtStartUp(Now));
        var evening = JobSchedule.DailyAt(new TimeOnly(18, 0));
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero), evening.NextAfter(Now));
        Assert.Null(evening.AtStartUp(Now)); // yesterday's 18:00 is not made up
        // 23:30 UTC is already tomorrow 07:30 in China: the next 08:00 is half an hour away, not a day.
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero), daily.NextAfter(new DateTimeOffset(2026, 12, 2, 23, 30, 0, TimeSpan.Zero)));
        Assert.Equal(ChinaTime.NextOccurrence(Now, new TimeOnly(8, 0)), daily.NextAfter(Now));
    }

    [Fact]
    public void An_interval_schedule_falls_on_the_same_instants_on_every_instance()
    {
        var every = JobSchedule.Every(TimeSpan.FromMinutes(1));
        var a = Now.AddSeconds(12.5);
        var b = Now.AddSeconds(47);
        Assert.Equal(Now.AddMinutes(1), every.NextAfter(a));
        Assert.Equal(every.NextAfter(a), every.NextAfter(b));
        Assert.Equal(Now, every.AtStartUp(b));
        Assert.Throws<ArgumentOutOfRangeException>(() => JobSchedule.Every(TimeSpan.Zero));
    }

    internal static async Task ClaimsAsync(Task<TestDatabase> create)
    {
        var db = await create;
        var claims = new JobClaims(db, new FakeTimeProvider(Now));
        // The first claim ever inserts the row, later ones move it: both races must have one winner.
        foreach (var occurrence in new[] { Now, Now.AddDays(1) })
        {
            var won = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => claims.TryClaimAsync("test.job", occurrence))));
            Assert.Equal(1, won.Count(w => w));
        }

        Assert.False(await claims.TryClaimAsync("test.job", Now)); // an earlier occurrence never runs again
        Assert.True(await claims.TryClaimAsync("other.job", Now)); // each job has its own row
        await using var ctx = db.CreateDbContext();
        var row = await ctx.JobRuns.SingleAsync(r => r.Name == "test.job");
        Assert.Equal(Now.AddDays(1).ToUnixTimeMilliseconds(), row.Occurrence);
        Assert.Equal(JobClaims.ThisInstance, row.Instance);
    }

    [Fact]
    public async Task Two_instances_on_one_database_run_a_due_daily_job_once_and_again_the_next_day()
    {
        var db = await TestDatabase.SqliteAsync();
        var clock = new FakeTimeProvider(Now);
        var runs = new RunLog();
        await using var first = Host(db, clock, runs);
        await using var second = Host(db, clock, runs);
        await Task.WhenAll(Start(first), Start(second));

        await runs.WaitForAsync(1);
        await Task.Delay(500); // the other instance has had its chance at today's occurrence
        Assert.Equal([new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero)], runs.Occurrences);

        clock.Advance(TimeSpan.FromDays(1));
        await runs.WaitForAsync(2);
        await Task.Delay(500);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero), runs.Occurrences.Last());
        Assert.Equal(2, runs.Occurrences.Count);
    }

    [Fact]
    public async Task A_failing_run_is_logged_and_the_job_runs_again_at_its_next_occurrence()
    {
        var db = await TestDatabase.SqliteAsync();
        var clock = new FakeTimeProvider(Now);
        var runs = new RunLog { FailFirst = true };
        await using var host = Host(db, clock, runs);
        await Start(host);
        await runs.WaitForAsync(1); // the first run threw
        clock.Advance(TimeSpan.FromDays(1));
        await runs.WaitForAsync(2);
        Assert.Equal(2, runs.Occurrences.Count);
    }

    private static ServiceProvider Host(TestDatabase db, TimeProvider clock, RunLog runs)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IDbContextFactory<DbContext>>(db);
        services.AddSingleton(clock);
        services.AddSingleton(runs);
        services.AddRecurringJob<CountingJob>();
        return services.BuildServiceProvider();
    }

    private static Task Start(ServiceProvider host) =>
        Task.WhenAll(host.GetServices<IHostedService>().Select(s => s.StartAsync(CancellationToken.None)));

    private sealed class RunLog
    {
        private readonly List<DateTimeOffset> _occurrences = [];
        public bool FailFirst { get; init; }

        public IReadOnlyList<DateTimeOffset> Occurrences { get { lock (_occurrences) return [.. _occurrences]; } }

        public bool Add(DateTimeOffset occurrence)
        {
            lock (_occurrences)
            {
                _occurrences.Add(occurrence);
                return FailFirst && _occurrences.Count == 1;
            }
        }

        public async Task WaitForAsync(int count)
        {
            for (var i = 0; i < 300 && Occurrences.Count < count; i++) await Task.Delay(50);
            Assert.True(Occurrences.Count >= count, $"the job ran {Occurrences.Count} times, expected {count}");
        }
    }

    private sealed class CountingJob(RunLog runs) : IRecurringJob
    {
        public string Name => "test.counting";
        public JobSchedule Schedule { get; } = JobSchedule.DailyAt(new TimeOnly(8, 0));

        public Task<JobResult> RunAsync(DateTimeOffset occurrence, CancellationToken ct) =>
            runs.Add(occurrence) ? throw new InvalidOperationException("the first run fails") : Task.FromResult(new JobResult("counted"));
    }
}

/// <summary>Claiming a recurring job's occurrence, on every provider.</summary>
public abstract class RecurringJobClaimTests : ProviderTests
{
    [SkippableFact]
    public Task Of_many_instances_claiming_one_occurrence_exactly_one_wins() => RecurringJobTests.ClaimsAsync(NewDatabaseAsync());
}

public sealed class RecurringJobClaimOnSqliteTests : RecurringJobClaimTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class RecurringJobClaimOnPostgreSqlTests : RecurringJobClaimTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
