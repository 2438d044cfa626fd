using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Residents;

namespace Portal.Core.Vaccines;

/// <param name="MaxAgeMonthsExclusive">Null: no upper age.</param>
/// <param name="RequiredSex">Null: anyone.</param>
public sealed record ProductRulesInput(int MinAgeMonths, int? MaxAgeMonthsExclusive, Sex? RequiredSex, bool IsScarce, bool IsActive);

public sealed record DoseRuleInput(int MinIntervalMonths, int MinIntervalDays, int? MaxIntervalMonths, int? MaxIntervalDays);

/// <summary>
/// CDC administrators edit the eligibility rules as data: a product's age and sex window, its scarce and active
/// flags, and each dose's minimum and maximum interval. Every change is audited with the old and new values, and
/// the in-memory catalogue is invalidated, so the next booking in this instance uses the new rules (other
/// instances within <see cref="VaccineCatalogue.MaxAge"/>).
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
        var product = await db.Set<VaccineProduct>().FirstOrDefaultAsync(p => p.Id == productId, ct) ?? throw ProductNotFound();
        var before = $"age {product.MinAgeMonths}-{product.MaxAgeMonthsExclusive?.ToString() ?? "∞"} sex {product.RequiredSex?.ToString() ?? "any"} scarce {product.IsScarce} active {product.IsActive}";
        product.MinAgeMonths = input.MinAgeMonths;
        product.MaxAgeMonthsExclusive = input.MaxAgeMonthsExclusive;
        product.RequiredSex = input.RequiredSex;
        product.IsScarce = input.IsScarce;
        product.IsActive = input.IsActive;
        var after = $"age {product.MinAgeMonths}-{product.MaxAgeMonthsExclusive?.ToString() ?? "∞"} sex {product.RequiredSex?.ToString() ?? "any"} scarce {product.IsScarce} active {product.IsActive}";
        db.Add(Audit(userName, "catalogue.product.rules", nameof(VaccineProduct), product.Id, $"{product.Code}: {before} -> {after}"));
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
            ?? throw new DomainProblemException(ProblemKind.NotFound, "dose_rule_not_found", new("剂次规则不存在", "No such dose rule"));
        var productId = await db.Set<DoseSchedule>().Where(s => s.Id == rule.ScheduleId).Select(s => s.ProductId).FirstAsync(ct);
        var before = Interval(rule);
        rule.MinIntervalMonths = input.MinIntervalMonths;
        rule.MinIntervalDays = input.MinIntervalDays;
        rule.MaxIntervalMonths = input.MaxIntervalMonths;
        rule.MaxIntervalDays = input.MaxIntervalDays;
        db.Add(Audit(userName, "catalogue.dose_rule", nameof(DoseRule), rule.Id,
            $"product {productId} schedule {rule.ScheduleId} dose {rule.DoseNumber}: {before} -> {Interval(rule)}"));
        await db.SaveChangesAsync(ct);
        catalogue.Invalidate();
    }

    private static string Interval(DoseRule r) =>
        $"min {r.MinIntervalMonths}m{r.MinIntervalDays}d max {(r.MaxIntervalMonths is null && r.MaxIntervalDays is null ? "none" : $"{r.MaxIntervalMonths ?? 0}m{r.MaxIntervalDays ?? 0}d")}";

    private AuditEntry Audit(string userName, string action, string type, long id, string detail) =>
        new() { At = clock.GetUtcNow(), UserName = userName, Action = action, EntityType = type, EntityId = id.ToString(System.Globalization.CultureInfo.InvariantCulture), Detail = detail };

    private static DomainProblemException ProductNotFound() =>
        new(ProblemKind.NotFound, "product_not_found", new("疫苗不存在", "No such vaccine product"));
}
