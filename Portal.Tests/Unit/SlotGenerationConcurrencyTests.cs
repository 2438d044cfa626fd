using Microsoft.EntityFrameworkCore;
using Portal.Core.Booking;
using Portal.Data;
using Portal.Tests.TestSupport;
using Portal.Core.Slots;

namespace Portal.Tests.Unit;

/// <summary>Two instances generating at the same moment: the unique (TemplateId, Date) index keeps one slot per
/// template per day, and the loser retries instead of failing.</summary>
public abstract class SlotGenerationConcurrencyTests : ProviderTests
{
    [SkippableFact]
    public Task Parallel_generators_never_duplicate_a_day() => ParallelAsync(NewDatabaseAsync());

    [SkippableFact]
    public Task A_second_slot_for_a_template_day_is_refused_by_the_database() => IndexAsync(NewDatabaseAsync());

    private static async Task ParallelAsync(Task<TestDatabase> create)
    {
        var db = await create;
        var clock = SlotTestKit.Clock();
        var site = await SlotTestKit.SiteAsync(db);
        var product = await SlotTestKit.ProductAsync(db, "COVID-BIBP");
        foreach (var day in Enum.GetValues<DayOfWeek>())
            await SlotTestKit.TemplateAsync(db, site.Id, product.Id, day);

        // Eight "instances", each its own generator, all at once.
        var created = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => SlotTestKit.Generator(db, clock, daysAhead: 13).GenerateAsync(site.Id))));

        await using var ctx = db.CreateDbContext();
        var slots = await ctx.Slots.Where(s => s.SiteId == site.Id).Select(s => new { s.TemplateId, s.Date }).ToListAsync();
        Assert.Equal(14, slots.Count);
        Assert.Equal(14, slots.Distinct().Count());
        Assert.Equal(14, created.Sum());
    }

    private static async Task IndexAsync(Task<TestDatabase> create)
    {
        var db = await create;
        var clock = SlotTestKit.Clock();
        var site = await SlotTestKit.SiteAsync(db);
        var product = await SlotTestKit.ProductAsync(db, "COVID-BIBP");
        var template = await SlotTestKit.TemplateAsync(db, site.Id, product.Id, SlotTestKit.Today.DayOfWeek);
        Assert.Equal(1, await SlotTestKit.Generator(db, clock, daysAhead: 0).GenerateAsync(site.Id));

        await using var ctx = db.CreateDbContext();
        ctx.Slots.Add(new Slot { SiteId = site.Id, ProductId = product.Id, Date = SlotTestKit.Today, StartTime = new(8, 30), EndTime = new(11, 30), Capacity = 1, TemplateId = template.Id });
        await Assert.ThrowsAsync<DbUpdateException>(() => ctx.SaveChangesAsync());
        // A slot added by hand (no template) on the same day is fine.
        await using var other = db.CreateDbContext();
        other.Slots.Add(new Slot { SiteId = site.Id, ProductId = product.Id, Date = SlotTestKit.Today, StartTime = new(13, 0), EndTime = new(14, 0), Capacity = 1 });
        other.Slots.Add(new Slot { SiteId = site.Id, ProductId = product.Id, Date = SlotTestKit.Today, StartTime = new(14, 0), EndTime = new(15, 0), Capacity = 1 });
        await other.SaveChangesAsync();
    }
}

public sealed class SlotGenerationConcurrencyOnSqliteTests : SlotGenerationConcurrencyTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class SlotGenerationConcurrencyOnPostgreSqlTests : SlotGenerationConcurrencyTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
