using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Vaccines;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>What the flash-crowd optimisations must not change: the catalogue cache's lifetime,
/// PostgreSQL's single-statement booking (same rows, same refusals), pragmas on reused connections, bucket refills.</summary>
public sealed class BookingHotPathTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Catalogue_snapshot_is_reused_until_it_is_too_old_or_invalidated()
    {
        var db = await TestDatabase.SqliteAsync();
        var catalogue = new VaccineCatalogue(db, _clock, TimeSpan.FromSeconds(60));

        var first = await catalogue.GetAsync();
        Assert.Contains(first.Products, p => p.Code == "COVID-BIBP");
        var product = first.Products.First(p => p.Code == "COVID-BIBP");
        Assert.NotEmpty(product.Schedules);
        Assert.Contains(product, first.Series(product.SeriesGroup));
        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Same(first, await catalogue.GetAsync());

        _clock.Advance(TimeSpan.FromSeconds(2));
        var second = await catalogue.GetAsync();
        Assert.NotSame(first, second);
        Assert.Equal(first.Products.Count, second.Products.Count);

        catalogue.Invalidate();
        Assert.NotSame(second, await catalogue.GetAsync());
        var e = await Assert.ThrowsAsync<DomainProblemException>(() => catalogue.RequireAsync(-1).AsTask());
        Assert.Equal("product_not_found", e.Code);
    }

    [Fact]
    public async Task An_edit_made_while_the_catalogue_loads_is_not_hidden_by_that_load()
    {
        var db = await TestDatabase.SqliteAsync();
        VaccineCatalogue? catalogue = null;
        var loads = 0;
        // The first load's context is created, then an edit commits and invalidates before that load returns.
        var factory = new HookedFactory(db, () => { if (Interlocked.Increment(ref loads) == 1) catalogue!.Invalidate(); });
        catalogue = new VaccineCatalogue(factory, _clock, TimeSpan.FromSeconds(60));

        var first = await catalogue.GetAsync();
        var second = await catalogue.GetAsync();

        Assert.NotSame(first, second);
        Assert.Equal(2, loads);
        Assert.Same(second, await catalogue.GetAsync());
    }

    private sealed class HookedFactory(TestDatabase db, Action onCreate) : IDbContextFactory<DbContext>
    {
        public DbContext CreateDbContext()
        {
            onCreate();
            return db.CreateDbContext();
        }
    }

    /// <summary>Double booking by one person with room left: refused by the unique key on both paths, nothing written.</summary>
    [SkippableFact]
    public async Task Second_booking_of_the_same_dose_is_refused_with_room_left_on_postgresql()
    {
        var db = await TestDatabase.PostgreSqlAsync();
        var (slotId, people) = await ArrangeAsync(db, capacity: 5, count: 1);
        var (otherSlot, _) = await ArrangeAsync(db, capacity: 5, count: 0);
        var booking = new BookingService(db, _clock, new VaccineCatalogue(db, _clock), fastPath: db.BookingFastPath);
        await booking.BookAsync(people[0].AccountId, new BookRequest(slotId, people[0].ResidentId));
        var e = await Assert.ThrowsAsync<DomainProblemException>(() => booking.BookAsync(people[0].AccountId, new BookRequest(otherSlot, people[0].ResidentId)));
        Assert.Equal("already_booked", e.Code);
        await using var ctx = db.CreateDbContext();
        Assert.Equal(0, (await ctx.Slots.SingleAsync(s => s.Id == otherSlot)).Booked);
        Assert.Equal(1, await ctx.SmsOutbox.CountAsync());
    }

    [Fact]
    public async Task Sqlite_pragmas_hold_on_pooled_connections()
    {
        await using var portal = PortalFactory.Sqlite();
        var contexts = portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        for (var i = 0; i < 3; i++)
        {
            await using var db = await contexts.CreateDbContextAsync();
            await db.Database.OpenConnectionAsync();
            Assert.Equal("wal", await Scalar(db, "PRAGMA journal_mode"));
            Assert.Equal("1", await Scalar(db, "PRAGMA foreign_keys"));
            Assert.Equal("30000", await Scalar(db, "PRAGMA busy_timeout"));
            Assert.Equal("1", await Scalar(db, "PRAGMA synchronous")); // NORMAL
        }
    }

    [Fact]
    public async Task Booking_bucket_refills_without_a_timer_per_bucket()
    {
        await using var portal = PortalFactory.Sqlite(new Dictionary<string, string?>
        {
            ["RateLimits:BookingPerToken:TokenLimit"] = "1",
            ["RateLimits:BookingPerToken:TokensPerPeriod"] = "1",
            // Three seconds, not one: on a loaded machine the first request alone can take a second, refilling the bucket early.
            ["RateLimits:BookingPerToken:PeriodSeconds"] = "3",
        });
        var (client, _) = await portal.SignInResidentAsync("13900000077");
        var body = new { slotId = 999_999, residentId = 1 };
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await client.PostAsJsonAsync("/api/v1/appointments", body)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsJsonAsync("/api/v1/appointments", body)).StatusCode);
        var status = HttpStatusCode.TooManyRequests;
        for (var i = 0; i < 50 && status == HttpStatusCode.TooManyRequests; i++)
        {
            await Task.Delay(200);
            status = (await client.PostAsJsonAsync("/api/v1/appointments", body)).StatusCode;
        }
        Assert.NotEqual(HttpStatusCode.TooManyRequests, status);
    }

    private static async Task<string> Scalar(PortalDbContext db, string sql)
    {
        await using var cmd = db.Database.GetDbConnection().CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToString(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    private Task<(long SlotId, List<(long AccountId, long ResidentId)> People)> ArrangeAsync(TestDatabase db, int capacity, int count) =>
        BookingArrangements.SlotAndPeopleAsync(db, ChinaTime.Today(_clock).AddDays(1), capacity, count);
}

/// <summary>What one booking writes, on every provider.</summary>
public abstract class BookingWriteTests : ProviderTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero));

    /// <summary>SQLite books in a transaction, PostgreSQL takes the single-statement path; the rows and refusals must be
    /// the transaction's.</summary>
    [SkippableFact]
    public Task Booking_writes_appointment_counter_and_confirmation_together() => BookingWritesAsync(fast: true);

    /// <summary>Without the provider's fast path (the EF transaction a waitlist offer takes, and any provider that registers
    /// none): the same rows and refusals.</summary>
    [SkippableFact]
    public Task Booking_without_the_fast_path_writes_the_same() => BookingWritesAsync(fast: false);

    private async Task BookingWritesAsync(bool fast)
    {
        var db = await NewDatabaseAsync();
        var (slotId, people) = await BookingArrangements.SlotAndPeopleAsync(db, ChinaTime.Today(_clock).AddDays(1), capacity: 1, count: 2);
        Assert.Equal(Provider == DatabaseProvider.PostgreSql, db.BookingFastPath is not null);
        var booking = new BookingService(db, _clock, new VaccineCatalogue(db, _clock), fastPath: fast ? db.BookingFastPath : null);

        var appointment = await booking.BookAsync(people[0].AccountId, new BookRequest(slotId, people[0].ResidentId));
        Assert.Equal(1, appointment.DoseNumber);
        Assert.Equal("测试门诊", appointment.SiteName);

        var again = await Assert.ThrowsAsync<DomainProblemException>(() => booking.BookAsync(people[0].AccountId, new BookRequest(slotId, people[0].ResidentId)));
        Assert.Equal("already_booked", again.Code); // on both paths, though the slot is full by now too
        var full = await Assert.ThrowsAsync<DomainProblemException>(() => booking.BookAsync(people[1].AccountId, new BookRequest(slotId, people[1].ResidentId)));
        Assert.Equal("slot_full", full.Code);

        await using var ctx = db.CreateDbContext();
        Assert.Equal(1, (await ctx.Slots.SingleAsync(s => s.Id == slotId)).Booked);
        var stored = await ctx.Appointments.SingleAsync(a => a.SlotId == slotId);
        Assert.Equal(appointment.Id, stored.Id);
        Assert.Equal(AppointmentStatus.Booked, stored.Status);
        Assert.NotEqual(default, stored.CreatedAt);
        Assert.StartsWith($"{people[0].ResidentId}:", stored.ActiveKey);
        Assert.EndsWith(":1", stored.ActiveKey);
        var sms = await ctx.SmsOutbox.SingleAsync(m => m.DedupKey == $"book:{appointment.Id}");
        Assert.Contains("测试门诊", sms.Body);
        Assert.Equal("p-0", sms.PhoneCipher);
        Assert.Equal(1, await ctx.SmsOutbox.CountAsync(m => m.DedupKey.StartsWith("book:")));
    }
}

public sealed class BookingWriteOnSqliteTests : BookingWriteTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class BookingWriteOnPostgreSqlTests : BookingWriteTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
