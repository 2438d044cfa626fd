using Portal.Core.Auditing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Vaccines;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Unit;

/// <summary>Rules are data a CDC admin edits: validated field by field, audited with old and new values, and the
/// next booking through the same catalogue judges by the new rule.</summary>
public sealed class CatalogueRulesTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Raising_the_minimum_age_refuses_the_next_booking_at_once_and_is_audited()
    {
        var db = await TestDatabase.SqliteAsync();
        var catalogue = new VaccineCatalogue(db, _clock); // 60 s cache: the edit must invalidate it
        var rules = new CatalogueRulesService(db, catalogue, _clock);
        var booking = new BookingService(db, _clock, catalogue);
        var (productId, slotId, accountId, residentId) = await ArrangeAsync(db, age: 30);
        await catalogue.GetAsync(); // warm the cache with the old rule

        var product = (await catalogue.GetAsync()).Find(productId)!;
        await rules.UpdateProductAsync(productId, new ProductRulesInput(40 * 12, product.MaxAgeMonthsExclusive, product.RequiredSex, product.IsScarce, true), "cdc");

        var e = await Assert.ThrowsAsync<DomainProblemException>(() => booking.BookAsync(accountId, new BookRequest(slotId, residentId)));
        Assert.Equal("not_eligible", e.Code);
        await using var ctx = db.CreateDbContext();
        Assert.Equal(480, (await ctx.Products.SingleAsync(p => p.Id == productId)).MinAgeMonths);
        var audit = await ctx.AuditEntries.SingleAsync(a => a.Action == AuditActions.CatalogueProductRules);
        Assert.Equal("cdc", audit.UserName);
        Assert.Contains($"age {product.MinAgeMonths}-", audit.Detail);
        Assert.Contains("-> age 480-", audit.Detail);
    }

    [Fact]
    public async Task Dose_intervals_are_saved_and_audited()
    {
        var db = await TestDatabase.SqliteAsync();
        var catalogue = new VaccineCatalogue(db, _clock);
        var rules = new CatalogueRulesService(db, catalogue, _clock);
        await using var ctx = db.CreateDbContext();
        var rule = await ctx.DoseRules.OrderBy(r => r.Id).FirstAsync(r => r.DoseNumber == 2);
        var before = await catalogue.GetAsync();

        await rules.UpdateDoseRuleAsync(rule.Id, new DoseRuleInput(2, 0, 6, null), "cdc");

        await using var check = db.CreateDbContext();
        var saved = await check.DoseRules.SingleAsync(r => r.Id == rule.Id);
        Assert.Equal((2, 0, (int?)6, (int?)null), (saved.MinIntervalMonths, saved.MinIntervalDays, saved.MaxIntervalMonths, saved.MaxIntervalDays));
        Assert.NotSame(before, await catalogue.GetAsync());
        var fromCache = (await catalogue.GetAsync()).Products.SelectMany(p => p.Schedules).SelectMany(s => s.Doses).Single(d => d.Id == rule.Id);
        Assert.Equal(6, fromCache.MaxIntervalMonths);
        Assert.True(await check.AuditEntries.AnyAsync(a => a.Action == AuditActions.CatalogueDoseRule && a.EntityId == rule.Id.ToString()));
    }

    [Theory]
    [InlineData(-1, null, "minAgeMonths")]
    [InlineData(100, 100, "maxAgeMonthsExclusive")]
    [InlineData(100, 50, "maxAgeMonthsExclusive")]
    [InlineData(0, 99999, "maxAgeMonthsExclusive")]
    public async Task Bad_product_rules_are_refused_field_by_field_and_change_nothing(int min, int? max, string field)
    {
        var db = await TestDatabase.SqliteAsync();
        var rules = new CatalogueRulesService(db, new VaccineCatalogue(db, _clock), _clock);
        await using var ctx = db.CreateDbContext();
        var product = await ctx.Products.AsNoTracking().FirstAsync();

        var e = await Assert.ThrowsAsync<DomainValidationException>(() => rules.UpdateProductAsync(product.Id, new ProductRulesInput(min, max, null, false, true), "cdc"));
        Assert.Contains(e.Errors, x => x.Field == field && x.Message.Zh.Length > 0 && x.Message.En.Length > 0);
        await using var check = db.CreateDbContext();
        Assert.Equal(product.MinAgeMonths, (await check.Products.SingleAsync(p => p.Id == product.Id)).MinAgeMonths);
        Assert.False(await check.AuditEntries.AnyAsync());
    }

    [Theory]
    [InlineData(-1, 0, null, null, "minIntervalMonths")]
    [InlineData(0, -5, null, null, "minIntervalDays")]
    [InlineData(6, 0, 2, null, "maxIntervalMonths")]
    [InlineData(0, 0, -1, null, "maxIntervalMonths")]
    public async Task Bad_intervals_are_refused(int minMonths, int minDays, int? maxMonths, int? maxDays, string field)
    {
        var db = await TestDatabase.SqliteAsync();
        var rules = new CatalogueRulesService(db, new VaccineCatalogue(db, _clock), _clock);
        await using var ctx = db.CreateDbContext();
        var rule = await ctx.DoseRules.FirstAsync();
        var e = await Assert.ThrowsAsync<DomainValidationException>(() => rules.UpdateDoseRuleAsync(rule.Id, new DoseRuleInput(minMonths, minDays, maxMonths, maxDays), "cdc"));
        Assert.Contains(e.Errors, x => x.Field == field);
    }

    [Fact]
    public async Task Unknown_product_or_rule_is_not_found()
    {
        var db = await TestDatabase.SqliteAsync();
        var rules = new CatalogueRulesService(db, new VaccineCatalogue(db, _clock), _clock);
        Assert.Equal("product_not_found", (await Assert.ThrowsAsync<DomainProblemException>(() => rules.UpdateProductAsync(-1, new ProductRulesInput(0, null, null, false, true), "cdc"))).Code);
        Assert.Equal("dose_rule_not_found", (await Assert.ThrowsAsync<DomainProblemException>(() => rules.UpdateDoseRuleAsync(-1, new DoseRuleInput(0, 0, null, null), "cdc"))).Code);
    }

    [Fact]
    public async Task Dose_count_of_an_age_band_grows_and_shrinks_with_its_rules_and_is_audited()
    {
        var db = await TestDatabase.SqliteAsync();
        var catalogue = new VaccineCatalogue(db, _clock);
        var rules = new CatalogueRulesService(db, catalogue, _clock);
        await using var ctx = db.CreateDbContext();
        var product = await ctx.Products.AsNoTracking().Include(p => p.Schedules).FirstAsync(p => p.Code == "HPV2-CECOLIN");
        var band = product.Schedules.OrderBy(s => s.MinAgeMonths).First();
        var doses = band.DoseCount;
        await catalogue.GetAsync();

        await rules.UpdateScheduleAsync(band.Id, new ScheduleInput(band.MinAgeMonths, band.MaxAgeMonthsExclusive, doses + 1), "cdc");
        var grown = (await catalogue.GetAsync()).Find(product.Id)!.Schedules.Single(s => s.Id == band.Id);
        Assert.Equal(doses + 1, grown.DoseCount);
        Assert.Equal(Enumerable.Range(1, doses + 1), grown.Doses.Select(d => d.DoseNumber).OrderBy(n => n));

        await rules.UpdateScheduleAsync(band.Id, new ScheduleInput(band.MinAgeMonths, band.MaxAgeMonthsExclusive, 1), "cdc");
        await using var check = db.CreateDbContext();
        Assert.Equal([1], await check.DoseRules.Where(r => r.ScheduleId == band.Id).Select(r => r.DoseNumber).ToListAsync());
        Assert.Equal(2, await check.AuditEntries.CountAsync(a => a.Action == AuditActions.CatalogueSchedule));
    }

    [Fact]
    public async Task Overlapping_age_bands_are_refused()
    {
        var db = await TestDatabase.SqliteAsync();
        var rules = new CatalogueRulesService(db, new VaccineCatalogue(db, _clock), _clock);
        await using var ctx = db.CreateDbContext();
        var bands = (await ctx.Products.AsNoTracking().Include(p => p.Schedules).FirstAsync(p => p.Code == "HPV2-CECOLIN")).Schedules.OrderBy(s => s.MinAgeMonths).ToList();
        Assert.True(bands.Count >= 2, "Cecolin has two age bands (9-14 and 15-45 years)");
        var e = await Assert.ThrowsAsync<DomainValidationException>(() =>
            rules.UpdateScheduleAsync(bands[0].Id, new ScheduleInput(bands[0].MinAgeMonths, bands[1].MinAgeMonths + 12, bands[0].DoseCount), "cdc"));
        Assert.Contains(e.Errors, x => x.Field == "minAgeMonths" && x.Message.En.Contains("overlaps"));
        var bad = await Assert.ThrowsAsync<DomainValidationException>(() => rules.UpdateScheduleAsync(bands[0].Id, new ScheduleInput(0, null, 0), "cdc"));
        Assert.Contains(bad.Errors, x => x.Field == "doseCount");
    }

    [Fact]
    public async Task Series_group_decides_which_products_count_for_each_other()
    {
        var db = await TestDatabase.SqliteAsync();
        var catalogue = new VaccineCatalogue(db, _clock);
        var rules = new CatalogueRulesService(db, catalogue, _clock);
        await using var ctx = db.CreateDbContext();
        var bibp = await ctx.Products.AsNoTracking().FirstAsync(p => p.Code == "COVID-BIBP");
        var sinovac = await ctx.Products.AsNoTracking().FirstAsync(p => p.Code == "COVID-SINOVAC");
        Assert.Contains((await catalogue.GetAsync()).Series(bibp.SeriesGroup), p => p.Id == sinovac.Id);

        await rules.UpdateSeriesGroupAsync(sinovac.Id, "COVID-SINOVAC-ONLY", "cdc");

        var snapshot = await catalogue.GetAsync();
        Assert.DoesNotContain(snapshot.Series(bibp.SeriesGroup), p => p.Id == sinovac.Id);
        Assert.Equal([sinovac.Id], snapshot.Series("COVID-SINOVAC-ONLY").Select(p => p.Id));
        await Assert.ThrowsAsync<DomainValidationException>(() => rules.UpdateSeriesGroupAsync(sinovac.Id, "  ", "cdc"));
    }

    private async Task<(long ProductId, long SlotId, long AccountId, long ResidentId)> ArrangeAsync(TestDatabase db, int age)
    {
        var date = ChinaTime.Today(_clock).AddDays(1);
        var (slotId, people) = await BookingArrangements.SlotAndPeopleAsync(db, date, capacity: 5, count: 1, birthDate: date.AddYears(-age));
        await using var ctx = db.CreateDbContext();
        var productId = await ctx.Slots.Where(s => s.Id == slotId).Select(s => s.ProductId).SingleAsync();
        return (productId, slotId, people[0].AccountId, people[0].ResidentId);
    }
}
