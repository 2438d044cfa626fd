using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Dashboard;
using Portal.Core.Statistics;
using Portal.Tests.TestSupport;
using Xunit.Abstractions;
namespace Portal.Tests.Unit;
public sealed class DashboardPerfTmp(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DashboardPerf(bool pg)
    {
        var database = pg ? await TestDatabase.PostgreSqlAsync() : await TestDatabase.SqliteAsync();
        var today = new DateOnly(2025, 3, 8);
        List<(string D, string S)> streets; List<(long Id, long Prog)> products;
        await using (var db = database.CreateDbContext())
        {
            streets = (await db.Streets.Select(s => new { s.DistrictCode, s.Code }).ToListAsync()).Select(s => (s.DistrictCode, s.Code)).ToList();
            products = (await db.Products.Select(p => new { p.Id, p.ProgrammeId }).ToListAsync()).Select(p => (p.Id, p.ProgrammeId)).ToList();
        }
        var rnd = new Random(1);
        var sw = Stopwatch.StartNew();
        var total = 0;
        for (var day = -365; day <= 0; day++)
        {
            await using var db = database.CreateDbContext();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var rows = new List<DailyInjectionStat>();
            for (var site = 1; site <= 300; site++)
            {
                var st = streets[site % streets.Count];
                for (var k = 0; k < 4; k++)
                {
                    var p = products[(site + k) % products.Count];
                    rows.Add(new DailyInjectionStat { Date = today.AddDays(day), DistrictCode = st.D, StreetCode = st.S, SiteId = site, EmployerId = 0, ProgrammeId = p.Prog, ProductId = p.Id, DoseNumber = 1 + k % 2, Count = rnd.Next(1, 30) });
                }
            }
            db.AddRange(rows); await db.SaveChangesAsync(); total += rows.Count;
        }
        output.WriteLine($"inserted {total} rows in {sw.ElapsedMilliseconds} ms");
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 8, 10, 0, 0, TimeSpan.FromHours(8)));
        var service = new DashboardService(database, clock);
        sw.Restart(); await service.GetCitySnapshotAsync(); output.WriteLine($"cold {sw.ElapsedMilliseconds} ms");
        for (var i = 0; i < 3; i++) { sw.Restart(); await service.GetCitySnapshotAsync(); output.WriteLine($"warm {sw.ElapsedMilliseconds} ms"); }
    }
}
