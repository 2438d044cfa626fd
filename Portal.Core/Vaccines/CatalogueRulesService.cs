using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Identity;
using Portal.Core.Residents;

namespace Portal.Core.Vaccines;

/// <param name="MaxAgeMonthsExclusive">Null: no upper age.</param>
/// <param name="RequiredSex">Null: anyone.</param>
public sealed record ProductRulesInput(int MinAgeMonths, int? MaxAgeMonthsExclusive, Sex? RequiredSex, bool IsScarce, bool IsActive);

public sealed record DoseRuleInput(int MinIntervalMonths, int MinIntervalDays, int? MaxIntervalMonths, int? MaxIntervalDays);

/// <summary>An age band (by age at the first dose) and how many doses it takes.</summary>
public sealed record ScheduleInput(int MinAgeMonths, int? MaxAgeMonthsExclusive, int DoseCount);

/// <summary>
/// CDC administrators edit the eligibility rules as data: a product's age and sex window, its scarce and active
/// flags, and each dose's minimum and maximum interval. Every change is audited with the old and new values, and
/// the in-memory catalogue is invalidated, so the next booking in this instance uses the new rules (other
/// instances at once through the Redis relay, or within <see cref="VaccineCatalogue.MaxAge"/> without Redis).
/// </summary>
public sealed class CatalogueRulesService(IDbContextFactory<DbContext> contexts, VaccineCatalogue catalogue, TimeProvider clock)
{
    public const int MaxAgeMonths = 1800; // 150 years

    public async Task UpdateProductAsync(long productId, ProductRulesInput input, string userName, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        if (input.MinAgeMonths is < 0 or > MaxAgeMonths)
            errors.Add(new("minAgeMonths", new($"最小年龄须在0至{MaxAgeMonths}月之间", $"The minimum age must be 0 to {MaxAgeMonths} months")));
        if (input.MaxAgeMonthsExclusive is { } max && (max <= input.MinAgeMonths || max > MaxAgeMonths))
            errors.Add(new("maxAgeMonthsExclusive", new("最大年龄须大于最小年龄", "The maximum age must be above the minimum age")));
        if (input.RequiredSex is { } sex && !Enum.IsDefined(sex))
            errors.Add(new("requiredSex", new("性别无效", "Unknown sex")));
        if (errors.Count > 0) throw new DomainValidationException(errors);

        await using var db = await contexts.CreateDbContextAsync(ct);
        var product = await db.Set<VaccineProduct>().FirstOrDefaultAsync(p => p.Id == productId, ct) ?? throw VaccineCatalogue.ProductNotFound();
        var before = Describe(product);
        product.MinAgeMonths = input.MinAgeMonths;
        product.MaxAgeMonthsExclusive = input.MaxAgeMonthsExclusive;
        product.RequiredSex = input.RequiredSex;
        product.IsScarce = input.IsScarce;
        product.IsActive = input.IsActive;
        db.Add(Audit(userName, AuditActions.CatalogueProductRules, nameof(VaccineProduct), product.Id, $"{product.Code}: {before} -> {Describe(product)}"));
        await db.SaveChangesAsync(ct);
        catalogue.Invalidate();
    }

    public async Task UpdateDoseRuleAsync(long ruleId, DoseRuleInput input, string userName, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        if (input.MinIntervalMonths is < 0 or > 600)
            errors.Add(new("minIntervalMonths", new("最短间隔（月）须在0至600之间", "The minimum interval in months must be 0 to 600")));
        if (input.MinIntervalDays is < 0 or > 3650)
            errors.Add(new("minIntervalDays", new("最短间隔（天）须在0至3650之间", "The minimum interval in days must be 0 to 3650")));
        if (input.MaxIntervalMonths is < 0 || input.MaxIntervalDays is < 0)
            errors.Add(new("maxIntervalMonths", new("最长间隔不能为负数", "The maximum interval cannot be negative")));
        else if ((input.MaxIntervalMonths is not null || input.MaxIntervalDays is not null)
                 && (input.MaxIntervalMonths ?? 0) * 31 + (input.MaxIntervalDays ?? 0) < input.MinIntervalMonths * 28 + input.MinIntervalDays)
            errors.Add(new("maxIntervalMonths", new("最长间隔不能短于最短间隔", "The maximum interval cannot be shorter than the minimum")));
        if (errors.Count > 0) throw new DomainValidationException(errors);

        await using var db = await contexts.CreateDbContextAsync(ct);
        var rule = await db.Set<DoseRule>().FirstOrDefaultAsync(r => r.Id == ruleId, ct)
            ?? throw VaccinesErrors.DoseRuleNotFound.Exception();
        var productId = await db.Set<DoseSchedule>().Where(s => s.Id == rule.ScheduleId).Select(s => s.ProductId).FirstAsync(ct);
        var before = Interval(rule);
        rule.MinIntervalMonths = input.MinIntervalMonths;
        rule.MinIntervalDays = input.MinIntervalDays;
        rule.MaxIntervalMonths = input.MaxIntervalMonths;
        rule.MaxIntervalDays = input.MaxIntervalDays;
        db.Add(Audit(userName, AuditActions.CatalogueDoseRule, nameof(DoseRule), rule.Id,
            $"product {productId} schedule {rule.ScheduleId} dose {rule.DoseNumber}: {before} -> {Interval(rule)}"));
        await db.SaveChangesAsync(ct);
        catalogue.Invalidate();
    }

    /// <summary>Moves a schedule's age band and changes its dose count. Added doses start at a one-month minimum
    /// interval from the previous dose (edit them next); removed doses are the last ones.</summary>
    public async Task UpdateScheduleAsync(long scheduleId, ScheduleInput input, string userName, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        if (input.MinAgeMonths is < 0 or > MaxAgeMonths)
            errors.Add(new("minAgeMonths", new($"起始年龄须在0至{MaxAgeMonths}月之间", $"The band's lower age must be 0 to {MaxAgeMonths} months")));
        if (input.MaxAgeMonthsExclusive is { } max && (max <= input.MinAgeMonths || max > MaxAgeMonths))
            errors.Add(new("maxAgeMonthsExclusive", new("截止年龄须大于起始年龄", "The band's upper age must be above its lower age")));
        if (input.DoseCount is < 1 or > 10)
            errors.Add(new("doseCount", new("剂次数须在1至10之间", "The number of doses must be 1 to 10")));
        if (errors.Count > 0) throw new DomainValidationException(errors);

        await using var db = await contexts.CreateDbContextAsync(ct);
        var schedule = await db.Set<DoseSchedule>().Include(x => x.Doses).FirstOrDefaultAsync(x => x.Id == scheduleId, ct)
            ?? throw VaccinesErrors.ScheduleNotFound.Exception();
        var overlaps = await db.Set<DoseSchedule>().Where(x => x.ProductId == schedule.ProductId && x.Id != schedule.Id).ToListAsync(ct);
        if (overlaps.Any(o => input.MinAgeMonths < (o.MaxAgeMonthsExclusive ?? int.MaxValue) && o.MinAgeMonths < (input.MaxAgeMonthsExclusive ?? int.MaxValue)))
            throw new DomainValidationException("minAgeMonths", new("年龄段与该疫苗的其他免疫程序重叠", "The age band overlaps another schedule of this vaccine"));

        var before = Describe(schedule);
        schedule.MinAgeMonths = input.MinAgeMonths;
        schedule.MaxAgeMonthsExclusive = input.MaxAgeMonthsExclusive;
        foreach (var extra in schedule.Doses.Where(d => d.DoseNumber > input.DoseCount).ToList())
            db.Remove(extra);
        for (var dose = schedule.Doses.Count == 0 ? 1 : schedule.Doses.Max(d => d.DoseNumber) + 1; dose <= input.DoseCount; dose++)
            db.Add(new DoseRule { ScheduleId = schedule.Id, DoseNumber = dose, From = IntervalFrom.PreviousDose, MinIntervalMonths = dose == 1 ? 0 : 1 });
        schedule.DoseCount = input.DoseCount;
        db.Add(Audit(userName, AuditActions.CatalogueSchedule, nameof(DoseSchedule), schedule.Id,
            $"product {schedule.ProductId}: {before} -> {Describe(schedule)}"));
        await db.SaveChangesAsync(ct);
        catalogue.Invalidate();
    }

    /// <summary>Which series the product's doses count for: products sharing a series group complete each other's series.</summary>
    public async Task UpdateSeriesGroupAsync(long productId, string seriesGroup, string userName, CancellationToken ct = default)
    {
        seriesGroup = seriesGroup.Trim();
        if (seriesGroup.Length is 0 or > 64)
            throw new DomainValidationException("seriesGroup", new("系列名称须为1至64个字符", "The series group must be 1 to 64 characters"));
        await using var db = await contexts.CreateDbContextAsync(ct);
        var product = await db.Set<VaccineProduct>().FirstOrDefaultAsync(p => p.Id == productId, ct) ?? throw VaccineCatalogue.ProductNotFound();
        db.Add(Audit(userName, AuditActions.CatalogueSeriesGroup, nameof(VaccineProduct), product.Id, $"{product.Code}: {product.SeriesGroup} -> {seriesGroup}"));
        product.SeriesGroup = seriesGroup;
        await db.SaveChangesAsync(ct);
        catalogue.Invalidate();
    }

    private static string Describe(VaccineProduct p) =>
        $"age {p.MinAgeMonths}-{p.MaxAgeMonthsExclusive?.ToString() ?? "∞"} sex {p.RequiredSex?.ToString() ?? "any"} scarce {p.IsScarce} active {p.IsActive}";

    private static string Describe(DoseSchedule s) => $"{s.MinAgeMonths}-{s.MaxAgeMonthsExclusive?.ToString() ?? "∞"} months, {s.DoseCount} doses";

    private static string Interval(DoseRule r) =>
        $"min {r.MinIntervalMonths}m{r.MinIntervalDays}d max {(r.MaxIntervalMonths is null && r.MaxIntervalDays is null ? "none" : $"{r.MaxIntervalMonths ?? 0}m{r.MaxIntervalDays ?? 0}d")}";

    private AuditEntry Audit(string userName, string action, string type, long id, string detail) =>
        AuditService.Entry(new StaffScope(null, userName, userName, [], null), action, type, id.ToString(System.Globalization.CultureInfo.InvariantCulture), detail, null,
            clock.GetUtcNow());
}
