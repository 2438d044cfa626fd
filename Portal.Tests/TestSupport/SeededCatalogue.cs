using Microsoft.EntityFrameworkCore;
using Portal.Core.Eligibility;
using Portal.Core.Vaccines;

namespace Portal.Tests.TestSupport;

/// <summary>The real seeded catalogue, loaded once from a migrated database, for engine-level tests.</summary>
public sealed class SeededCatalogue : IAsyncLifetime
{
    public IReadOnlyList<VaccineProduct> Products { get; private set; } = [];
    public IReadOnlyList<ChildScheduleEntry> ChildSchedule { get; private set; } = [];

    public VaccineProduct this[string code] => Products.Single(p => p.Code == code);

    public IReadOnlyList<VaccineProduct> Series(string code) => Products.Where(p => p.SeriesGroup == this[code].SeriesGroup).ToList();

    public async Task InitializeAsync()
    {
        var db = await TestDatabase.SqliteAsync();
        await using var ctx = db.CreateDbContext();
        Products = await ctx.Products.AsNoTracking().Include(p => p.Programme).Include(p => p.Schedules).ThenInclude(s => s.Doses).ToListAsync();
        ChildSchedule = await ctx.ChildSchedule.AsNoTracking().ToListAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
