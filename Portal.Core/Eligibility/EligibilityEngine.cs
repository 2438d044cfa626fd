using Portal.Core.Common;
using Portal.Core.Residents;
using Portal.Core.Vaccines;

namespace Portal.Core.Eligibility;

/// <summary>The eligibility and schedule rules for every programme, computed from the catalogue's data
/// alone (no database, no clock): the same answer at booking, at injection and in the resident app.
/// Ages and intervals are calendar months (<see cref="DateOnly.AddMonths"/>, which clamps to the month's
/// last day) added before days.</summary>
public static class EligibilityEngine
{
    /// <summary>Completed months of age on a date: the largest m with birth.AddMonths(m) &lt;= on (-1 before birth).</summary>
    public static int AgeInMonths(DateOnly birth, DateOnly on)
    {
        if (on < birth) return -1;
        var months = (on.Year - birth.Year) * 12 + on.Month - birth.Month;
        while (months > 0 && birth.AddMonths(months) > on) months--;
        return months;
    }

    /// <summary>The schedule (dose count and intervals) for a person whose first dose is on <paramref name="firstDose"/>.
    /// A first dose given outside every band (a doctor's override) follows the nearest band.</summary>
    public static DoseSchedule? ScheduleFor(VaccineProduct product, DateOnly birth, DateOnly firstDose)
    {
        var age = AgeInMonths(birth, firstDose);
        return product.Schedules.Where(s => s.MinAgeMonths <= age && (s.MaxAgeMonthsExclusive is not { } max || age < max))
            .OrderByDescending(s => s.MinAgeMonths).FirstOrDefault()
            ?? product.Schedules.OrderBy(s => age < s.MinAgeMonths ? s.MinAgeMonths - age : age - (s.MaxAgeMonthsExclusive ?? int.MaxValue) + 1)
                .FirstOrDefault();
    }

    /// <summary>May dose <paramref name="doseNumber"/> (default: the lowest not yet given) of <paramref name="product"/>
    /// be given on <paramref name="on"/>? <paramref name="history"/> is the person's doses in the product's series
    /// group; <paramref name="seriesProducts"/> (optional) are the group's other products, whose schedules
    /// can extend the series (e.g. IPV doses 1–2 then bOPV doses 3–4).</summary>
    public static EligibilityResult Check(VaccineProduct product, PersonFacts person, IReadOnlyList<DoseRecord> history, DateOnly on,
        int? doseNumber = null, IReadOnlyList<VaccineProduct>? seriesProducts = null)
    {
        var reasons = new List<EligibilityReason>();
        var given = history.Select(h => h.DoseNumber).ToHashSet();
        var dose = doseNumber ?? LowestMissing(given);
        var firstRecord = history.Where(h => h.DoseNumber == 1).OrderBy(h => h.Date).FirstOrDefault()
            ?? history.OrderBy(h => h.Date).FirstOrDefault();
        var firstDate = dose == 1 || firstRecord is null ? on : firstRecord.Date;
        DateOnly? earliest = null;
        DateOnly? dueBy = null;
        var isBooster = false;
        int? seriesLength = null;

        if (!product.IsActive)
            reasons.Add(Block(EligibilityCodes.ProductInactive, $"{product.Name}已停用", $"{product.NameEn} is no longer offered"));
        if (product.RequiredSex is { } sex && person.Sex != sex)
            reasons.Add(Block(EligibilityCodes.Sex, $"{product.Name}仅限{(sex == Sex.Female ? "女性" : "男性")}接种",
                $"{product.NameEn} is for {(sex == Sex.Female ? "women" : "men")} only"));
        if (doseNumber is { } asked && given.Contains(asked))
            reasons.Add(Block(EligibilityCodes.DoseAlreadyGiven, $"第{asked}剂已接种", $"Dose {asked} has already been given"));

        // The product's age window applies to the first dose: a series begun inside it may be completed
        // on the schedule chosen at that first dose (the doctor decides otherwise, with an audited override).
        var ageReason = false;
        if (dose == 1)
        {
            var minDate = person.BirthDate.AddMonths(product.MinAgeMonths);
            earliest = minDate;
            if (on < minDate)
            {
                ageReason = true;
                reasons.Add(new(EligibilityCodes.TooYoung,
                    new($"{product.Name}的最小接种年龄为{AgeZh(product.MinAgeMonths)}，最早可于{minDate:yyyy-MM-dd}接种",
                        $"The minimum age for {product.NameEn} is {AgeEn(product.MinAgeMonths)}: the earliest date is {minDate:yyyy-MM-dd}"), true, minDate));
            }
            if (product.MaxAgeMonthsExclusive is { } max && on >= person.BirthDate.AddMonths(max))
            {
                ageReason = true;
                earliest = null;
                var last = person.BirthDate.AddMonths(max).AddDays(-1);
                reasons.Add(new(EligibilityCodes.TooOld,
                    new($"{product.Name}仅适用于{AgeZh(max)}以下人群（最晚{last:yyyy-MM-dd}）",
                        $"{product.NameEn} is for people under {AgeEn(max)} (last date {last:yyyy-MM-dd})"), true, last));
            }
        }

        var schedule = ScheduleFor(product, person.BirthDate, firstDate);
        if (schedule is null)
        {
            if (!ageReason)
                reasons.Add(Block(EligibilityCodes.NoScheduleForAge, $"{product.Name}没有适用于该年龄（首剂时）的接种程序",
                    $"{product.NameEn} has no schedule for the person's age at the first dose"));
            return new(product.Id, on, dose, null, false, DateBlockedOnly(reasons) ? earliest : null, null, reasons);
        }

        seriesLength = SeriesLength(schedule);
        foreach (var other in seriesProducts ?? [])
            if (other.Id != product.Id && ScheduleFor(other, person.BirthDate, firstDate) is { } s)
                seriesLength = Math.Max(seriesLength.Value, SeriesLength(s));
        if (dose > seriesLength)
        {
            reasons.Add(Block(EligibilityCodes.SeriesComplete, $"已完成{product.Name}全程{seriesLength}剂接种",
                $"The {seriesLength}-dose series of {product.NameEn} is complete"));
            return new(product.Id, on, dose, seriesLength, false, null, null, reasons);
        }

        var rule = schedule.Doses.FirstOrDefault(d => d.DoseNumber == dose);
        if (rule is null)
        {
            reasons.Add(Block(EligibilityCodes.WrongProduct, $"{product.Name}不用于本系列第{dose}剂", $"{product.NameEn} is not used for dose {dose} of this series"));
            return new(product.Id, on, dose, seriesLength, false, null, null, reasons);
        }
        isBooster = rule.IsBooster;

        if (dose > 1)
        {
            var reference = rule.From == IntervalFrom.FirstDose
                ? history.Where(h => h.DoseNumber == 1).OrderBy(h => h.Date).FirstOrDefault()
                : history.Where(h => h.DoseNumber == dose - 1).OrderByDescending(h => h.Date).FirstOrDefault();
            if (reference is null)
            {
                var missing = rule.From == IntervalFrom.FirstDose ? 1 : dose - 1;
                reasons.Add(Block(EligibilityCodes.PreviousDoseMissing, $"尚未接种第{missing}剂", $"Dose {missing} has not been given yet"));
                return new(product.Id, on, dose, seriesLength, isBooster, null, null, reasons);
            }
            var fromZh = rule.From == IntervalFrom.FirstDose ? "第1剂" : $"第{dose - 1}剂";
            var fromEn = rule.From == IntervalFrom.FirstDose ? "dose 1" : $"dose {dose - 1}";
            var min = reference.Date.AddMonths(rule.MinIntervalMonths).AddDays(rule.MinIntervalDays);
            earliest = min;
            if (on < min)
                reasons.Add(new(EligibilityCodes.TooEarly,
                    new($"第{dose}剂须在{fromZh}（{reference.Date:yyyy-MM-dd}）后{IntervalZh(rule.MinIntervalMonths, rule.MinIntervalDays)}接种，最早可于{min:yyyy-MM-dd}接种",
                        $"Dose {dose} must be at least {IntervalEn(rule.MinIntervalMonths, rule.MinIntervalDays)} after {fromEn} ({reference.Date:yyyy-MM-dd}): the earliest date is {min:yyyy-MM-dd}"),
                    true, min));
            if (rule.MaxIntervalMonths is not null || rule.MaxIntervalDays is not null)
            {
                var maxDate = reference.Date.AddMonths(rule.MaxIntervalMonths ?? 0).AddDays(rule.MaxIntervalDays ?? 0);
                dueBy = maxDate;
                if (on > maxDate)
                    reasons.Add(new(EligibilityCodes.PastMaxInterval,
                        new($"已超过第{dose}剂的最长间隔（{fromZh}后{IntervalZh(rule.MaxIntervalMonths ?? 0, rule.MaxIntervalDays ?? 0)}，即{maxDate:yyyy-MM-dd}前），仍可接种",
                            $"Past the maximum interval for dose {dose} ({IntervalEn(rule.MaxIntervalMonths ?? 0, rule.MaxIntervalDays ?? 0)} after {fromEn}, i.e. by {maxDate:yyyy-MM-dd}); it may still be given"),
                        false, maxDate));
            }
        }
        return new(product.Id, on, dose, seriesLength, isBooster, DateBlockedOnly(reasons) ? earliest : null, dueBy, reasons);
    }

    /// <summary>The next dose of a series for a person on <paramref name="today"/>: the lowest dose not yet given,
    /// due at the schedule's interval (or, for the children's programme, at the table's age if later), overdue once past due.
    /// When <paramref name="product"/> is not used for that dose, a product of <paramref name="seriesProducts"/> that is, answers.</summary>
    public static NextDose NextDoseFor(VaccineProduct product, PersonFacts person, IReadOnlyList<DoseRecord> history, DateOnly today,
        IReadOnlyList<VaccineProduct>? seriesProducts = null, IReadOnlyList<ChildScheduleEntry>? childSchedule = null)
    {
        var result = Check(product, person, history, today, null, seriesProducts);
        if (result.Has(EligibilityCodes.WrongProduct) && seriesProducts is not null)
        {
            var alternative = seriesProducts.Where(p => p.Id != product.Id && p.IsActive)
                .Select(p => Check(p, person, history, today, result.DoseNumber, seriesProducts))
                .FirstOrDefault(r => !r.Has(EligibilityCodes.WrongProduct) && !r.Has(EligibilityCodes.NoScheduleForAge));
            if (alternative is not null)
            {
                result = alternative;
                product = seriesProducts.First(p => p.Id == alternative.ProductId);
            }
        }
        if (result.Has(EligibilityCodes.SeriesComplete))
            return new(product.Id, null, null, false, false, true, result.Reasons);

        var due = result.EarliestDate;
        var programme = product.Programme?.Code;
        if (programme is not null && childSchedule?.FirstOrDefault(c => c.ProgrammeCode == programme && c.DoseNumber == result.DoseNumber) is { } entry)
        {
            var tableDate = person.BirthDate.AddMonths(entry.AgeMonths);
            due = due is { } d && d > tableDate ? d : tableDate;
        }
        return new(product.Id, result.DoseNumber, due, due is { } dd && dd < today, result.IsBooster, false, result.Reasons);
    }

    /// <summary>The children's programme by age: each entry's due date from the birth date, and whether it was given,
    /// is due (today or later) or overdue.</summary>
    public static IReadOnlyList<ChildScheduleItem> ChildrenSchedule(DateOnly birthDate, IReadOnlyList<ChildScheduleEntry> entries,
        IReadOnlyCollection<GivenProgrammeDose> given, DateOnly today) =>
        entries.OrderBy(e => e.AgeMonths).ThenBy(e => e.ProgrammeCode, StringComparer.Ordinal).ThenBy(e => e.DoseNumber)
            .Select(e =>
            {
                var due = birthDate.AddMonths(e.AgeMonths);
                var done = given.Where(g => g.ProgrammeCode == e.ProgrammeCode && g.DoseNumber == e.DoseNumber).OrderBy(g => g.Date).FirstOrDefault();
                var status = done is not null ? ChildScheduleStatus.Given : due < today ? ChildScheduleStatus.Overdue : ChildScheduleStatus.Due;
                return new ChildScheduleItem(e.AgeMonths, e.ProgrammeCode, e.DoseNumber, new(e.Label, e.LabelEn), e.IsLocalAddition, due, status, done?.Date);
            }).ToList();

    /// <summary>The reasons as one bilingual message (what a 409 carries).</summary>
    public static Bilingual Describe(EligibilityResult result)
    {
        var blocking = result.BlockingReasons.ToList();
        return new(string.Join("；", blocking.Select(r => r.Message.Zh)), string.Join("; ", blocking.Select(r => r.Message.En)));
    }

    /// <summary>An earliest date means something only when nothing but dates blocks the dose.</summary>
    private static bool DateBlockedOnly(List<EligibilityReason> reasons) => !reasons.Any(r => r.Blocking && r.Code is not (EligibilityCodes.TooYoung or EligibilityCodes.TooEarly));

    private static int SeriesLength(DoseSchedule s) => Math.Max(s.DoseCount, s.Doses.Count == 0 ? 0 : s.Doses.Max(d => d.DoseNumber));

    private static int LowestMissing(HashSet<int> given)
    {
        var n = 1;
        while (given.Contains(n)) n++;
        return n;
    }

    private static EligibilityReason Block(string code, string zh, string en) => new(code, new(zh, en), true);

    private static string AgeZh(int months) => months % 12 == 0 ? $"{months / 12}周岁" : $"{months}月龄";

    private static string AgeEn(int months) => months % 12 == 0 ? $"{months / 12} years" : $"{months} months";

    private static string IntervalZh(int months, int days) =>
        (months > 0 ? $"{months}个月" : "") + (days > 0 ? $"{days}天" : "") is { Length: > 0 } s ? s : "0天";

    private static string IntervalEn(int months, int days)
    {
        var parts = new List<string>();
        if (months > 0) parts.Add(months == 1 ? "1 month" : $"{months} months");
        if (days > 0) parts.Add(days == 1 ? "1 day" : $"{days} days");
        return parts.Count == 0 ? "0 days" : string.Join(" and ", parts);
    }
}
