using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Booking;
using Portal.Data;
using Portal.Core.Common;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Tests.TestSupport;
using Portal.Core.Slots;

namespace Portal.Tests.Integration;

/// <summary>No-show marking and policy, service-level on a real SQLite file and PostgreSQL: past Booked appointments
/// become NoShow (no place released), two in a year block scarce booking for the configured days.</summary>
public sealed class NoShowTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 16, 10, 0, TimeSpan.Zero); // 00:10 on 26 Nov, China time

    [Fact]
    public void Policy_never_shortens_a_block_and_can_be_switched_off()
    {
        var today = new DateOnly(2026, 11, 26);
        var options = new NoShowPolicyOptions { MaxPerYear = 2, BlockDays = 90 };
        Assert.Null(NoShowPolicy.BlockedUntil(1, today, null, options));
        Assert.Equal(today.AddDays(90), NoShowPolicy.BlockedUntil(2, today, null, options));
        Assert.Null(NoShowPolicy.BlockedUntil(3, today, today.AddDays(200), options));
        Assert.Null(NoShowPolicy.BlockedUntil(5, today, null, new NoShowPolicyOptions { MaxPerYear = 0 }));
        Assert.True(NoShowPolicy.IsScarceBookingBlocked(today, today));
        Assert.False(NoShowPolicy.IsScarceBookingBlocked(today.AddDays(-1), today));
        Assert.False(NoShowPolicy.IsScarceBookingBlocked(null, today));
    }

    [Fact]
    public void The_daily_run_is_just_after_midnight_china_time()
    {
        var next = ChinaTime.NextOccurrence(Now, NoShowJob.RunTime);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 16, 5, 0, TimeSpan.Zero), next);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 16, 5, 0, TimeSpan.Zero), ChinaTime.NextOccurrence(Now.AddMinutes(-10), NoShowJob.RunTime));
    }

    internal static async Task PolicyAsync(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var clock = new FakeTimeProvider(Now);
        var today = ChinaTime.Today(clock);
        Assert.Equal(new DateOnly(2026, 11, 26), today);

        long repeat, once, old;
        long yesterdaySlot;
        await using (var db = database.CreateDbContext())
        {
            var street = await db.Streets.FirstAsync();
            var site = new Site { Code = "NS-" + Guid.NewGuid().ToString("N")[..6], Name = "爽约测试门诊", Kind = SiteKind.Clinic, DistrictCode = street.DistrictCode, StreetCode = street.Code };
            db.Sites.Add(site);
            var product = await db.Products.FirstAsync(p => p.Code == "COVID-BIBP");
            await db.SaveChangesAsync();
            var account = new ResidentAccount { PhoneHash = "ns-" + Guid.NewGuid().ToString("N"), PhoneCipher = "x", PhoneMasked = "x" };
            db.ResidentAccounts.Add(account);
            var people = Enumerable.Range(0, 3).Select(i => new Resident
            {
                Name = $"爽约{i}", IdKind = IdDocumentKind.Passport, IdNumberCipher = "x", IdNumberHash = $"ns{i}-{Guid.NewGuid():N}", IdNumberMasked = "x",
                Sex = Sex.Female, BirthDate = new DateOnly(1990, 1, 1), Residency = ResidencyKind.Household,
            }).ToList();
            db.Residents.AddRange(people);
            await db.SaveChangesAsync();
            (repeat, once, old) = (people[0].Id, people[1].Id, people[2].Id);

            Slot NewSlot(DateOnly date) => new() { SiteId = site.Id, ProductId = product.Id, Date = date, StartTime = new TimeOnly(9, 0), EndTime = new TimeOnly(10, 0), Capacity = 10, Booked = 3 };
            var slots = new[] { today.AddDays(-1), today.AddDays(-100), today.AddDays(1), today.AddDays(-400), today }.Select(NewSlot).ToList();
            db.Slots.AddRange(slots);
            await db.SaveChangesAsync();
            yesterdaySlot = slots[0].Id;

            Appointment Booked(long residentId, Slot slot, int dose, AppointmentStatus status = AppointmentStatus.Booked) => new()
            {
                SlotId = slot.Id, SiteId = site.Id, ProductId = product.Id, ResidentId = residentId, AccountId = account.Id, DoseNumber = dose,
                Date = slot.Date, Status = status, ActiveKey = status == AppointmentStatus.Booked ? $"{residentId}:{product.SeriesGroup}:{dose}" : null,
            };
            db.Appointments.AddRange(
                Booked(repeat, slots[1], 1, AppointmentStatus.NoShow),  // an earlier no-show, 100 days ago
                Booked(repeat, slots[0], 2),                            // yesterday: will be the second
                Booked(once, slots[0], 1),                              // yesterday: first and only
                Booked(once, slots[2], 2),                              // tomorrow: untouched
                Booked(old, slots[3], 1, AppointmentStatus.NoShow),     // over a year ago: not counted
                Booked(old, slots[4], 2));                              // today: the day is not over
            await db.SaveChangesAsync();
        }

        var service = new AppointmentService(database, clock, Options.Create(new NoShowPolicyOptions { MaxPerYear = 2, BlockDays = 90 }));
        Assert.Equal(2, await service.MarkNoShowsAsync(today));
        Assert.Equal(0, await service.MarkNoShowsAsync(today));

        await using var check = database.CreateDbContext();
        var residents = await check.Residents.AsNoTracking().Where(r => r.Id == repeat || r.Id == once || r.Id == old).ToDictionaryAsync(r => r.Id);
        Assert.Equal(today.AddDays(90), residents[repeat].ScarceBookingBlockedUntil);
        Assert.Null(residents[once].ScarceBookingBlockedUntil);
        Assert.Null(residents[old].ScarceBookingBlockedUntil);

        var statuses = await check.Appointments.AsNoTracking().Where(a => a.ResidentId == repeat || a.ResidentId == once || a.ResidentId == old)
            .Select(a => new { a.ResidentId, a.Date, a.Status, a.ActiveKey }).ToListAsync();
        Assert.All(statuses.Where(a => a.Date == today.AddDays(-1)), a => { Assert.Equal(AppointmentStatus.NoShow, a.Status); Assert.Null(a.ActiveKey); });
        Assert.Equal(AppointmentStatus.Booked, statuses.Single(a => a.Date == today.AddDays(1)).Status);
        Assert.Equal(AppointmentStatus.Booked, statuses.Single(a => a.Date == today).Status);
        // The day is over: marking a no-show releases nothing.
        Assert.Equal(3, (await check.Slots.AsNoTracking().SingleAsync(s => s.Id == yesterdaySlot)).Booked);
    }
}

/// <summary>The no-show policy's daily run, on every provider.</summary>
public abstract class NoShowPolicyTests : ProviderTests
{
    [SkippableFact]
    public Task Two_no_shows_in_a_year_block_scarce_booking() => NoShowTests.PolicyAsync(Provider);
}

public sealed class NoShowPolicyOnSqliteTests : NoShowPolicyTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class NoShowPolicyOnPostgreSqlTests : NoShowPolicyTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
