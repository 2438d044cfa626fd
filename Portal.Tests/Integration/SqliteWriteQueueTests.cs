using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Slots;
using Portal.Data;
using Portal.Tests.TestSupport;
using System.Runtime.InteropServices;

namespace Portal.Tests.Integration;

/// <summary>SQLite writes queue in process by themselves (Portal.Data's write queue, ADR 0013): no service asks for
/// it, and a writer of this process never waits inside SQLite, where waiting blocks a thread. Where SQLite would make a
/// writer wait, it calls the connection's busy handler; these tests replace it with one that counts.</summary>
public sealed class SqliteWriteQueueTests
{
    private static readonly TimeSpan Pending = TimeSpan.FromMilliseconds(150);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Ordinary_service_writes_never_wait_inside_sqlite()
    {
        var busy = new BusyCounter();
        var db = await TestDatabase.SqliteAsync(busy);
        var (slotId, people) = await BookingArrangements.SlotAndPeopleAsync(db, ChinaTime.Today(_clock).AddDays(1), capacity: 8, count: 40);
        var (siteId, productId) = await SiteAndProductAsync(db, slotId);
        var booking = new BookingService(db, _clock);
        busy.Reset();

        // Bookings (an EF transaction), lone SaveChanges, SaveChanges of several rows (EF's own transaction), lone
        // ExecuteUpdate and a transaction that takes its time: none of them mentions the queue.
        var work = people.Select((p, i) => Task.Run(async () =>
        {
            switch (i % 4)
            {
                case 0:
                    try
                    {
                        await booking.BookAsync(p.AccountId, new BookRequest(slotId, p.ResidentId));
                    }
                    catch (DomainProblemException e) when (e.Code == BookingErrors.SlotFull.Code)
                    {
                    }
                    break;
                case 1:
                    await AddSlotsAsync(db, siteId, productId, i, count: i % 8 == 1 ? 1 : 3);
                    break;
                case 2:
                    await using (var ctx = db.CreateDbContext())
                        await ctx.Slots.Where(s => s.Id == slotId).ExecuteUpdateAsync(u => u.SetProperty(s => s.Version, s => s.Version + 1));
                    break;
                default:
                    await using (var ctx = db.CreateDbContext())
                    {
                        await using var tx = await ctx.Database.BeginTransactionAsync();
                        await ctx.Slots.Where(s => s.Id == slotId).ExecuteUpdateAsync(u => u.SetProperty(s => s.Version, s => s.Version + 1));
                        await Task.Delay(5);
                        await tx.CommitAsync();
                    }
                    break;
            }
        })).ToList();
        await Task.WhenAll(work);

        Assert.Equal(0, busy.Calls);
        await using var check = db.CreateDbContext();
        Assert.Equal(8, (await check.Slots.SingleAsync(s => s.Id == slotId)).Booked);
        Assert.Equal(20, (await check.Slots.SingleAsync(s => s.Id == slotId)).Version);
    }

    /// <summary>The control: the same file opened without the portal's set-up, so the counter can fail the test above.</summary>
    [Fact]
    public async Task Without_the_queue_the_same_writers_wait_inside_sqlite()
    {
        var db = await TestDatabase.SqliteAsync();
        var (slotId, _) = await BookingArrangements.SlotAndPeopleAsync(db, ChinaTime.Today(_clock).AddDays(1), capacity: 20, count: 0);
        string connectionString;
        await using (var ctx = db.CreateDbContext()) connectionString = ctx.Database.GetConnectionString()!;
        var busy = new BusyCounter();
        var plain = new DbContextOptionsBuilder<SqliteDbContext>().UseSqlite(connectionString).AddInterceptors(busy).Options;

        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            await using var ctx = new SqliteDbContext(plain);
            await using var tx = await ctx.Database.BeginTransactionAsync();
            await ctx.Slots.Where(s => s.Id == slotId).ExecuteUpdateAsync(u => u.SetProperty(s => s.Version, s => s.Version + 1));
            await Task.Delay(5);
            await tx.CommitAsync();
        })));

        Assert.True(busy.Calls > 0, "sixteen unqueued writers never met SQLite's busy handler");
    }

    [Fact]
    public async Task A_transaction_holds_the_queue_until_it_ends_even_when_disposed_without_commit()
    {
        var db = await TestDatabase.SqliteAsync();
        await using var a = db.CreateDbContext();
        await using var b = db.CreateDbContext();
        await using var c = db.CreateDbContext();

        var first = await a.Database.BeginTransactionAsync();
        var second = b.Database.BeginTransactionAsync();
        await Task.Delay(Pending);
        Assert.False(second.IsCompleted, "a second SQLite transaction began while the first was open");
        await first.DisposeAsync(); // as when an exception leaves `await using var tx` uncommitted
        await using var secondTx = await second.WaitAsync(TimeSpan.FromSeconds(5));

        var third = c.Database.BeginTransactionAsync();
        await Task.Delay(Pending);
        Assert.False(third.IsCompleted, "a third transaction began while the second was open");
        await secondTx.CommitAsync();
        await using var thirdTx = await third.WaitAsync(TimeSpan.FromSeconds(5));
        await secondTx.DisposeAsync(); // after its commit: must not release the place the third now holds

        await using var d = db.CreateDbContext();
        var fourth = d.Database.BeginTransactionAsync();
        await Task.Delay(Pending);
        Assert.False(fourth.IsCompleted, "disposing a committed transaction released a place it no longer held");
        await thirdTx.RollbackAsync();
        await (await fourth.WaitAsync(TimeSpan.FromSeconds(5))).DisposeAsync();
    }

    [Fact]
    public async Task A_lone_write_waits_for_an_open_transaction_and_a_read_does_not()
    {
        var db = await TestDatabase.SqliteAsync();
        var (slotId, _) = await BookingArrangements.SlotAndPeopleAsync(db, ChinaTime.Today(_clock).AddDays(1), capacity: 5, count: 0);
        await using var a = db.CreateDbContext();
        await using var b = db.CreateDbContext();

        var tx = await a.Database.BeginTransactionAsync();
        await a.Slots.Where(s => s.Id == slotId).ExecuteUpdateAsync(u => u.SetProperty(s => s.Capacity, 6));
        Assert.Equal(5, await b.Slots.Where(s => s.Id == slotId).Select(s => s.Capacity).SingleAsync().WaitAsync(TimeSpan.FromSeconds(5)));
        var write = b.Slots.Where(s => s.Id == slotId).ExecuteUpdateAsync(u => u.SetProperty(s => s.Capacity, s => s.Capacity + 1));
        await Task.Delay(Pending);
        Assert.False(write.IsCompleted, "a write outside any transaction ran while another transaction was open");
        await tx.CommitAsync();
        await tx.DisposeAsync();
        Assert.Equal(1, await write.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(7, await b.Slots.Where(s => s.Id == slotId).Select(s => s.Capacity).SingleAsync());
    }

    [SkippableFact]
    public async Task Postgresql_transactions_are_not_queued_and_book_in_one_statement()
    {
        var db = await TestDatabase.PostgreSqlAsync();
        await using var a = db.CreateDbContext();
        await using var b = db.CreateDbContext();
        await using var first = await a.Database.BeginTransactionAsync();
        await using var second = await b.Database.BeginTransactionAsync().WaitAsync(TimeSpan.FromSeconds(5));

        await using var portal = await PortalFactory.PostgreSqlAsync();
        Assert.IsType<PostgresBookingFastPath>(portal.Services.GetService<IBookingFastPath>());
    }

    [Fact]
    public async Task Sqlite_has_no_booking_fast_path()
    {
        await using var portal = PortalFactory.Sqlite();
        Assert.Null(portal.Services.GetService<IBookingFastPath>());
    }

    private static async Task<(long SiteId, long ProductId)> SiteAndProductAsync(TestDatabase db, long slotId)
    {
        await using var ctx = db.CreateDbContext();
        var slot = await ctx.Slots.SingleAsync(s => s.Id == slotId);
        return (slot.SiteId, slot.ProductId);
    }

    private static async Task AddSlotsAsync(TestDatabase db, long siteId, long productId, int seed, int count)
    {
        await using var ctx = db.CreateDbContext();
        for (var k = 0; k < count; k++)
            ctx.Slots.Add(new Slot
            {
                SiteId = siteId, ProductId = productId, Date = new DateOnly(2027, 1, 1).AddDays(seed), StartTime = new TimeOnly(8 + k, 0),
                EndTime = new TimeOnly(9 + k, 0), Capacity = 1,
            });
        await ctx.SaveChangesAsync();
    }

    /// <summary>Replaces each connection's busy handler (busy_timeout's) with one that counts and gives up at once;
    /// Microsoft.Data.Sqlite then retries until its own timeout, calling it again. SQLitePCLRaw does not wrap
    /// sqlite3_busy_handler, so it is called in the native library directly.</summary>
    private sealed partial class BusyCounter : DbConnectionInterceptor
    {
        private readonly BusyHandler _handler;
        private int _calls;

        public BusyCounter() => _handler = (_, _) =>
        {
            Interlocked.Increment(ref _calls);
            return 0;
        };

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int BusyHandler(IntPtr state, int count);

        [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
        private static extern int sqlite3_busy_handler(IntPtr db, BusyHandler handler, IntPtr state);

        public int Calls => Volatile.Read(ref _calls);

        public void Reset() => Interlocked.Exchange(ref _calls, 0);

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Install(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Install(connection);
            return Task.CompletedTask;
        }

        private void Install(DbConnection connection)
        {
            var handle = ((SqliteConnection)connection).Handle!;
            if (sqlite3_busy_handler(handle.DangerousGetHandle(), _handler, IntPtr.Zero) != 0)
                throw new InvalidOperationException("sqlite3_busy_handler failed");
        }
    }
}
