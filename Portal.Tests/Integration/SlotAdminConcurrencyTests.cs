using Microsoft.EntityFrameworkCore;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Slots;
using Portal.Data;
using Portal.Tests.TestSupport;
using static Portal.Tests.TestSupport.SlotTestKit;

namespace Portal.Tests.Integration;

/// <summary>Admin edits of slots use optimistic concurrency (Version) and never go below Booked, on SQLite and PostgreSQL.</summary>
public abstract class SlotAdminConcurrencyTests : ProviderTests
{
    [SkippableFact]
    public Task Resize_below_booked_is_refused() => ResizeBelowBookedAsync(NewDatabaseAsync());

    [SkippableFact]
    public Task Stale_version_is_refused() => StaleVersionAsync(NewDatabaseAsync());

    [SkippableFact]
    public Task Concurrent_edits_of_one_version_let_exactly_one_win() => ConcurrentEditsAsync(NewDatabaseAsync());

    private static async Task ResizeBelowBookedAsync(Task<TestDatabase> create)
    {
        var db = await create;
        var (service, slot) = await ArrangeAsync(db, capacity: 10, booked: 6);

        var refused = await Assert.ThrowsAsync<DomainValidationException>(() => service.ResizeAsync(City, slot.Id, 5, slot.Version));
        var error = Assert.Single(refused.Errors);
        Assert.Equal("capacity", error.Field);
        Assert.Contains("6", error.Message.Zh);
        Assert.Contains("already booked", error.Message.En);
        Assert.Equal((10, 0), await ReadAsync(db, slot.Id));

        await service.ResizeAsync(City, slot.Id, 6, slot.Version);
        Assert.Equal((6, 1), await ReadAsync(db, slot.Id));
    }

    private static async Task StaleVersionAsync(Task<TestDatabase> create)
    {
        var db = await create;
        var (service, slot) = await ArrangeAsync(db, capacity: 10, booked: 2);
        await service.ResizeAsync(City, slot.Id, 20, expectedVersion: 0);

        // A second admin still holding version 0: refused, nothing written.
        var changed = await Assert.ThrowsAsync<DomainProblemException>(() => service.ResizeAsync(City, slot.Id, 15, expectedVersion: 0));
        Assert.Equal((ProblemKind.Conflict, SlotsErrors.SlotChanged.Code), (changed.Kind, changed.Code));
        var closeStale = await Assert.ThrowsAsync<DomainProblemException>(() => service.SetClosedAsync(City, slot.Id, true, expectedVersion: 0));
        Assert.Equal(SlotsErrors.SlotChanged.Code, closeStale.Code);
        Assert.Equal((20, 1), await ReadAsync(db, slot.Id));

        // Stale AND below booked: the stale version is what is reported.
        Assert.Equal(SlotsErrors.SlotChanged.Code, (await Assert.ThrowsAsync<DomainProblemException>(() => service.ResizeAsync(City, slot.Id, 1, 0))).Code);

        await service.SetClosedAsync(City, slot.Id, true, expectedVersion: 1);
        await using var ctx = db.CreateDbContext();
        var after = await ctx.Slots.AsNoTracking().SingleAsync(s => s.Id == slot.Id);
        Assert.Equal((true, 2, 20), (after.IsClosed, after.Version, after.Capacity));
        await Assert.ThrowsAsync<DomainProblemException>(() => service.ResizeAsync(City, slot.Id + 100_000, 3, 0));
    }

    private static async Task ConcurrentEditsAsync(Task<TestDatabase> create)
    {
        var db = await create;
        var (service, slot) = await ArrangeAsync(db, capacity: 10, booked: 0);
        const int editors = 20;

        var outcomes = await Task.WhenAll(Enumerable.Range(1, editors).Select(async i =>
        {
            await Task.Yield();
            try
            {
                await service.ResizeAsync(City, slot.Id, 10 + i, expectedVersion: 0);
                return (Won: true, Capacity: 10 + i);
            }
            catch (DomainProblemException e) when (e.Code == SlotsErrors.SlotChanged.Code)
            {
                return (Won: false, Capacity: 0);
            }
        }));

        var winner = Assert.Single(outcomes, o => o.Won);
        Assert.Equal((winner.Capacity, 1), await ReadAsync(db, slot.Id));
    }

    private static async Task<(SlotAdminService, Slot)> ArrangeAsync(TestDatabase db, int capacity, int booked)
    {
        var site = await SiteAsync(db);
        var product = await ProductAsync(db, "COVID-BIBP");
        var slot = await SlotAsync(db, site.Id, product.Id, Today.AddDays(2), capacity, booked);
        return (new SlotAdminService(db, Clock()), slot);
    }

    private static async Task<(int Capacity, int Version)> ReadAsync(TestDatabase db, long slotId)
    {
        await using var ctx = db.CreateDbContext();
        var s = await ctx.Slots.AsNoTracking().SingleAsync(x => x.Id == slotId);
        return (s.Capacity, s.Version);
    }
}

public sealed class SlotAdminConcurrencyOnSqliteTests : SlotAdminConcurrencyTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class SlotAdminConcurrencyOnPostgreSqlTests : SlotAdminConcurrencyTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
