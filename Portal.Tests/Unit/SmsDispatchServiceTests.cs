using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Messaging;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Unit;

/// <summary>The outbox dispatcher on a real database: sends, retries with backoff while the gateway is down,
/// gives up after MaxAttempts, and never sends a message twice when two instances race.</summary>
public sealed class SmsDispatchServiceTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Sends_due_messages_and_marks_them_sent()
    {
        var db = await TestDatabase.SqliteAsync();
        var clock = new FakeTimeProvider(Start);
        var protector = SmsTestKit.NewProtector();
        var phones = await SmsTestKit.EnqueueAsync(db, protector, Start, 3);
        var gateway = new RecordingSmsGateway();

        var result = await SmsTestKit.Dispatcher(db, protector, gateway, clock).DispatchDueAsync(10);

        Assert.Equal(3, result.Sent);
        Assert.Equal(phones.Order(), gateway.Sent.Select(s => s.Phone).Order());
        Assert.All(gateway.Sent, s => Assert.Contains("测试门诊", s.Body));
        await using var ctx = db.CreateDbContext();
        var rows = await ctx.SmsOutbox.ToListAsync();
        Assert.All(rows, m => Assert.Equal(SmsStatus.Sent, m.Status));
        Assert.All(rows, m => Assert.Equal(Start, m.SentAt));
        Assert.All(rows, m => Assert.Equal(1, m.Attempts));
    }

    [Fact]
    public async Task Messages_not_yet_due_wait()
    {
        var db = await TestDatabase.SqliteAsync();
        var clock = new FakeTimeProvider(Start);
        var protector = SmsTestKit.NewProtector();
        await SmsTestKit.EnqueueAsync(db, protector, Start.AddMinutes(1), 1);
        var gateway = new RecordingSmsGateway();
        var dispatcher = SmsTestKit.Dispatcher(db, protector, gateway, clock);

        Assert.Equal(0, (await dispatcher.DispatchDueAsync(10)).Due);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, (await dispatcher.DispatchDueAsync(10)).Sent);
    }

    [Fact]
    public async Task Gateway_down_then_back_retries_with_growing_delays_then_sends_once()
    {
        var db = await TestDatabase.SqliteAsync();
        var clock = new FakeTimeProvider(Start);
        var protector = SmsTestKit.NewProtector();
        await SmsTestKit.EnqueueAsync(db, protector, Start, 1);
        var gateway = new RecordingSmsGateway { Down = true };
        var dispatcher = SmsTestKit.Dispatcher(db, protector, gateway, clock);

        var delays = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            Assert.Equal(1, (await dispatcher.DispatchDueAsync(10)).Retrying);
            var row = await SingleAsync(db);
            Assert.Equal(SmsStatus.Pending, row.Status);
            Assert.Equal(attempt, row.Attempts);
            Assert.Contains("gateway down", row.LastError);
            var delay = row.NextAttemptAt - clock.GetUtcNow();
            delays.Add(delay);
            // 5 s, 10 s, 20 s, 40 s, each ±20 %.
            var expected = TimeSpan.FromSeconds(5 * Math.Pow(2, attempt - 1));
            Assert.InRange(delay, expected * 0.8, expected * 1.2);

            // Not due before its time.
            clock.Advance(delay - TimeSpan.FromMilliseconds(10));
            Assert.Equal(0, (await dispatcher.DispatchDueAsync(10)).Due);
            clock.Advance(TimeSpan.FromMilliseconds(10));
        }
        Assert.True(delays.Zip(delays.Skip(1)).All(p => p.Second > p.First), string.Join(", ", delays));

        gateway.Down = false;
        Assert.Equal(1, (await dispatcher.DispatchDueAsync(10)).Sent);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, (await dispatcher.DispatchDueAsync(10)).Due);

        Assert.Single(gateway.Sent);
        var sent = await SingleAsync(db);
        Assert.Equal(SmsStatus.Sent, sent.Status);
        Assert.Equal(5, sent.Attempts);
        Assert.Equal(5, gateway.Calls);
    }

    [Fact]
    public async Task After_max_attempts_the_message_is_failed_and_left_alone()
    {
        var db = await TestDatabase.SqliteAsync();
        var clock = new FakeTimeProvider(Start);
        var protector = SmsTestKit.NewProtector();
        await SmsTestKit.EnqueueAsync(db, protector, Start, 1);
        var gateway = new RecordingSmsGateway { Down = true };
        var dispatcher = SmsTestKit.Dispatcher(db, protector, gateway, clock, new SmsOptions { MaxAttempts = 3 });

        for (var i = 0; i < 3; i++)
        {
            await dispatcher.DispatchDueAsync(10);
            clock.Advance(TimeSpan.FromMinutes(10));
        }
        var row = await SingleAsync(db);
        Assert.Equal(SmsStatus.Failed, row.Status);
        Assert.Equal(3, row.Attempts);

        gateway.Down = false;
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, (await dispatcher.DispatchDueAsync(10)).Due);
        Assert.Empty(gateway.Sent);
        Assert.Equal(3, gateway.Calls);
    }

    [Fact]
    public async Task A_phone_that_cannot_be_decrypted_is_retried_not_lost()
    {
        var db = await TestDatabase.SqliteAsync();
        var clock = new FakeTimeProvider(Start);
        // Written with another key: Unprotect throws.
        await SmsTestKit.EnqueueAsync(db, SmsTestKit.NewProtector(), Start, 1);
        var gateway = new RecordingSmsGateway();

        var result = await SmsTestKit.Dispatcher(db, SmsTestKit.NewProtector(), gateway, clock).DispatchDueAsync(10);

        Assert.Equal(1, result.Retrying);
        Assert.Empty(gateway.Sent);
        Assert.NotNull((await SingleAsync(db)).LastError);
    }

    [Fact]
    public async Task A_round_of_a_hundred_messages_takes_a_few_statements_not_one_per_message()
    {
        // A flash crowd's confirmations are written as fast as bookings are made; a dispatcher that claims and
        // records each message in its own UPDATE doubled the database's write load exactly then.
        var commands = new CommandCounter();
        var db = await TestDatabase.SqliteAsync(commands);
        var clock = new FakeTimeProvider(Start);
        var protector = SmsTestKit.NewProtector();
        var phones = await SmsTestKit.EnqueueAsync(db, protector, Start, 100);
        var gateway = new RecordingSmsGateway();
        commands.Reset();

        var result = await SmsTestKit.Dispatcher(db, protector, gateway, clock).DispatchDueAsync(100);

        Assert.Equal(100, result.Sent);
        Assert.Equal(phones.Order(), gateway.Sent.Select(s => s.Phone).Order());
        // One read, one claim, one UPDATE per 25 sent.
        Assert.Equal(2 + 100 / 25, commands.Count);
        await using var ctx = db.CreateDbContext();
        Assert.Equal(100, await ctx.SmsOutbox.CountAsync(m => m.Status == SmsStatus.Sent && m.Attempts == 1 && m.SentAt == Start));
    }

    [Fact]
    public async Task A_round_whose_lease_ran_out_cannot_record_over_the_next_claim()
    {
        var db = await TestDatabase.SqliteAsync();
        var clock = new FakeTimeProvider(Start);
        var protector = SmsTestKit.NewProtector();
        await SmsTestKit.EnqueueAsync(db, protector, Start, 1);
        var stalled = new StallingSmsGateway();
        var options = new SmsOptions { Lease = TimeSpan.FromMinutes(2) };
        var first = SmsTestKit.Dispatcher(db, protector, stalled, clock, options);
        var secondGateway = new RecordingSmsGateway { Down = true };
        var second = SmsTestKit.Dispatcher(db, protector, secondGateway, clock, options);

        // The first round claims the message and stalls in the gateway past its lease.
        var late = first.DispatchDueAsync(10);
        await stalled.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        clock.Advance(options.Lease + TimeSpan.FromSeconds(1));
        // Another instance claims it again, and its attempt fails: it schedules a retry.
        Assert.Equal(1, (await second.DispatchDueAsync(10)).Retrying);
        var retry = await SingleAsync(db);

        // The first round's gateway call finally returns: it may not mark the row, which now belongs to the retry.
        stalled.Release.SetResult();
        var result = await late;

        Assert.Equal(0, result.Sent);
        var row = await SingleAsync(db);
        Assert.Equal(SmsStatus.Pending, row.Status);
        Assert.Equal(2, row.Attempts);
        Assert.Equal(retry.NextAttemptAt, row.NextAttemptAt);
        Assert.Equal(retry.ClaimToken, row.ClaimToken);
        Assert.Null(row.SentAt);
    }

    [Fact]
    public void Backoff_doubles_with_jitter_and_is_capped()
    {
        var first = TimeSpan.FromSeconds(5);
        var max = TimeSpan.FromMinutes(10);
        Assert.Equal(TimeSpan.FromSeconds(5), SmsDispatchService.Backoff(1, first, max, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(10), SmsDispatchService.Backoff(2, first, max, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(20), SmsDispatchService.Backoff(3, first, max, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(4), SmsDispatchService.Backoff(1, first, max, 0));
        Assert.Equal(max, SmsDispatchService.Backoff(11, first, max, 0.5));
        Assert.Equal(max, SmsDispatchService.Backoff(100, first, max, 0.99));
    }

    internal static async Task RaceAsync(DatabaseProvider provider)
    {
        const int count = 150;
        var db = await TestDatabase.CreateAsync(provider);
        var clock = new FakeTimeProvider(Start);
        var protector = SmsTestKit.NewProtector();
        var phones = await SmsTestKit.EnqueueAsync(db, protector, Start, count);
        var gateway = new RecordingSmsGateway();
        var options = new SmsOptions { Parallelism = 4 };
        // Two instances, as two Portal processes would have: nothing shared but the database (and the test's gateway).
        var a = SmsTestKit.Dispatcher(db, protector, gateway, clock, options);
        var b = SmsTestKit.Dispatcher(db, protector, gateway, clock, options);

        var results = await Task.WhenAll(new[] { a, b }.Select(d => Task.Run(async () =>
        {
            var total = new List<SmsDispatchResult>();
            while (true)
            {
                var r = await d.DispatchDueAsync(count);
                total.Add(r);
                if (r.Due == 0) return total;
            }
        })));

        Assert.Equal(count, gateway.Sent.Count);
        Assert.Equal(phones.Order(), gateway.Sent.Select(s => s.Phone).Order());
        Assert.Equal(count, results.SelectMany(r => r).Sum(r => r.Sent));
        await using var ctx = db.CreateDbContext();
        Assert.Equal(count, await ctx.SmsOutbox.CountAsync(m => m.Status == SmsStatus.Sent && m.Attempts == 1));
    }

    private sealed class StallingSmsGateway : ISmsGateway
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task SendAsync(string phone, string body, CancellationToken ct = default)
        {
            Entered.TrySetResult();
            await Release.Task.WaitAsync(ct);
        }
    }

    /// <summary>Counts the SQL commands (reads and writes) the contexts execute.</summary>
    private sealed class CommandCounter : DbCommandInterceptor
    {
        private int _count;
        public int Count => Volatile.Read(ref _count);
        public void Reset() => Interlocked.Exchange(ref _count, 0);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return ValueTask.FromResult(result);
        }
    }

    private static async Task<SmsOutboxMessage> SingleAsync(TestDatabase db)
    {
        await using var ctx = db.CreateDbContext();
        return await ctx.SmsOutbox.AsNoTracking().SingleAsync();
    }
}

/// <summary>Two SMS dispatchers racing, on every provider.</summary>
public abstract class SmsDispatchRaceTests : ProviderTests
{
    [SkippableFact]
    public Task Two_dispatchers_racing_send_each_message_once() => SmsDispatchServiceTests.RaceAsync(Provider);
}

public sealed class SmsDispatchRaceOnSqliteTests : SmsDispatchRaceTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class SmsDispatchRaceOnPostgreSqlTests : SmsDispatchRaceTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
