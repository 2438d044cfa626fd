using Portal.Core.Common;
using Portal.Core.Slots;
using Portal.Core.Sites;
using Portal.Tests.TestSupport;
using static Portal.Tests.TestSupport.SlotTestKit;

namespace Portal.Tests.Unit;

public class SlotGeneratorTests(SlotSqliteFixture fixture) : IClassFixture<SlotSqliteFixture>
{
    private readonly Portal.Tests.TestSupport.TestDatabase db = fixture.Db;

    [Fact]
    public async Task Generates_matching_weekdays_only_and_skips_closure_days()
    {
        var site = await SiteAsync(db);
        var product = await ProductAsync(db, "COVID-BIBP");
        var monday = await TemplateAsync(db, site.Id, product.Id, DayOfWeek.Monday);
        var tuesday = await TemplateAsync(db, site.Id, product.Id, DayOfWeek.Tuesday, capacity: 7);
        await using (var ctx = db.CreateDbContext())
        {
            ctx.SiteClosures.Add(new SiteClosure { SiteId = site.Id, Date = Today.AddDays(7), Reason = "培训" });
            await ctx.SaveChangesAsync();
        }

        var created = await Generator(db, Clock()).GenerateAsync(site.Id);

        var slots = await SlotsOfAsync(db, site.Id);
        // 14 days ahead from Monday 03-02: Mondays 02, 09 (closed), 16; Tuesdays 03, 10.
        Assert.Equal(4, created);
        Assert.Equal([Today, Today.AddDays(14)], slots.Where(s => s.TemplateId == monday.Id).Select(s => s.Date));
        Assert.Equal([Today.AddDays(1), Today.AddDays(8)], slots.Where(s => s.TemplateId == tuesday.Id).Select(s => s.Date));
        Assert.All(slots, s => Assert.Equal(s.TemplateId == monday.Id ? 10 : 7, s.Capacity));
        Assert.All(slots, s => Assert.Equal((new TimeOnly(8, 30), new TimeOnly(11, 30), 0, false), (s.StartTime, s.EndTime, s.Booked, s.IsClosed)));
    }

    [Fact]
    public async Task Is_idempotent()
    {
        var site = await SiteAsync(db);
        var product = await ProductAsync(db, "COVID-BIBP");
        await TemplateAsync(db, site.Id, product.Id, DayOfWeek.Wednesday);
        var generator = Generator(db, Clock());

        Assert.Equal(2, await generator.GenerateAsync(site.Id));
        Assert.Equal(0, await generator.GenerateAsync(site.Id));
        Assert.Equal(2, (await SlotsOfAsync(db, site.Id)).Count);

        // A week later the window has moved: only the new day is added.
        var later = Clock();
        later.Advance(TimeSpan.FromDays(7));
        Assert.Equal(1, await Generator(db, later).GenerateAsync(site.Id));
        Assert.Equal(3, (await SlotsOfAsync(db, site.Id)).Count);
    }

    [Fact]
    public async Task Release_time_comes_from_the_template_and_null_means_at_once()
    {
        var site = await SiteAsync(db);
        var product = await ProductAsync(db, "HPV9-GARDASIL9");
        var released = await TemplateAsync(db, site.Id, product.Id, DayOfWeek.Friday, releaseDaysBefore: 7, releaseTime: new TimeOnly(10, 0));
        var atOnce = await TemplateAsync(db, site.Id, product.Id, DayOfWeek.Saturday);
        await TemplateAsync(db, site.Id, product.Id, DayOfWeek.Sunday, active: false);

        await Generator(db, Clock(), daysAhead: 6).GenerateAsync(site.Id);

        var slots = await SlotsOfAsync(db, site.Id);
        Assert.Equal(2, slots.Count);
        var friday = Assert.Single(slots, s => s.TemplateId == released.Id);
        Assert.Equal(new DateOnly(2026, 3, 6), friday.Date);
        // 7 days before Friday 03-06 at 10:00 Shanghai = 2026-02-27 02:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 2, 27, 2, 0, 0, TimeSpan.Zero), friday.ReleaseAt);
        Assert.Equal(ChinaTime.At(new DateOnly(2026, 2, 27), new TimeOnly(10, 0)), friday.ReleaseAt);
        Assert.Null(Assert.Single(slots, s => s.TemplateId == atOnce.Id).ReleaseAt);
    }

    [Fact]
    public async Task Capacity_follows_stock_so_open_places_never_exceed_bookable_first_doses()
    {
        var site = await SiteAsync(db);
        var product = await ProductAsync(db, "PPSV23");
        var lot = await LotAsync(db, product.Id, Today.AddYears(1));
        await StockAsync(db, site.Id, lot.Id, 30);
        // An open slot already offers 8 − 3 = 5 free places.
        await SlotAsync(db, site.Id, product.Id, Today.AddDays(2), capacity: 8, booked: 3);
        await TemplateAsync(db, site.Id, product.Id, DayOfWeek.Monday, capacity: 10);
        await TemplateAsync(db, site.Id, product.Id, DayOfWeek.Thursday, capacity: 10);

        var created = await Generator(db, Clock(), followStock: true).GenerateAsync(site.Id);

        // Budget 30 − 5 = 25, handed out in date order: Mon 02 (10), Thu 05 (10), Mon 09 (5); Thu 12 and Mon 16 not generated.
        var generated = (await SlotsOfAsync(db, site.Id)).Where(s => s.TemplateId != null).ToList();
        Assert.Equal(3, created);
        Assert.Equal([(Today, 10), (Today.AddDays(3), 10), (Today.AddDays(7), 5)], generated.Select(s => (s.Date, s.Capacity)));
        Assert.Equal(30, (await SlotsOfAsync(db, site.Id)).Where(s => !s.IsClosed).Sum(s => s.Capacity - s.Booked));

        // Once stock arrives, a later run fills the days it left out.
        await StockAsync(db, site.Id, (await LotAsync(db, product.Id, Today.AddYears(1))).Id, 100);
        Assert.Equal(2, await Generator(db, Clock(), followStock: true).GenerateAsync(site.Id));
    }

    [Fact]
    public void Job_runs_daily_at_its_time_china()
    {
        var next = ChinaTime.NextOccurrence(Now, SlotGenerationJob.RunTime);
        Assert.Equal(ChinaTime.At(Today.AddDays(1), new TimeOnly(0, 15)), next);
        Assert.Equal(ChinaTime.At(Today, new TimeOnly(0, 15)), ChinaTime.NextOccurrence(ChinaTime.At(Today, new TimeOnly(0, 1)), SlotGenerationJob.RunTime));
    }
}
