using System.Globalization;
using Microsoft.Extensions.Localization;
using Portal.Core.Residents;
using Portal.Core.Vaccines;

namespace Portal.Components.Pages.Vaccines;

/// <summary>Marker for <c>IStringLocalizer&lt;VaccineTexts&gt;</c>: the texts of the vaccines page and of its rules
/// editor (keys starting <c>Rules_</c>) in <c>Resources/Components/Pages/Vaccines/VaccineTexts(.en).resx</c>
/// (see docs/decisions/0012-ui-text.md).</summary>
public sealed class VaccineTexts
{
    private VaccineTexts()
    {
    }
}

/// <summary>Vaccine-catalogue texts built from a product's rules: valency, eligibility, dose schedules.</summary>
public static class VaccineTextFormats
{
    public static string ValencyText(this IStringLocalizer<VaccineTexts> texts, int? valency) =>
        valency is { } v ? texts["Valency_N", v] : "—";

    public static string SexName(this IStringLocalizer<VaccineTexts> texts, Sex? sex) => sex switch
    {
        Sex.Male => texts["Sex_Male"],
        Sex.Female => texts["Sex_Female"],
        _ => texts["Sex_Any"],
    };

    /// <summary>Age range in years, e.g. "9–45岁" (the upper bound is exclusive: 46 years = up to 45).</summary>
    public static string AgeRange(this IStringLocalizer<VaccineTexts> texts, int minMonths, int? maxMonthsExclusive)
    {
        var min = Years(minMonths);
        if (maxMonthsExclusive is not { } max)
            return texts["Age_From", min];
        var upper = max % 12 == 0 ? Years(max - 12) : Years(max);
        return texts["Age_Range", min, upper];
    }

    public static string Eligible(this IStringLocalizer<VaccineTexts> texts, VaccineProduct p) =>
        $"{texts.SexName(p.RequiredSex)}, {texts.AgeRange(p.MinAgeMonths, p.MaxAgeMonthsExclusive)}";

    /// <summary>e.g. "9–14岁: 2剂 (0, 6月)": each dose's minimum offset from the first dose.</summary>
    public static string Schedule(this IStringLocalizer<VaccineTexts> texts, DoseSchedule s)
    {
        var offsets = new List<string>();
        var (months, days) = (0, 0);
        foreach (var d in s.Doses.OrderBy(d => d.DoseNumber))
        {
            if (d.DoseNumber > 1)
                (months, days) = d.From == IntervalFrom.PreviousDose
                    ? (months + d.MinIntervalMonths, days + d.MinIntervalDays)
                    : (d.MinIntervalMonths, d.MinIntervalDays);
            offsets.Add(days == 0 ? months.ToString(CultureInfo.InvariantCulture) : texts["Offset_MonthsDays", months, days]);
        }

        var at = offsets.Count > 0 ? $" ({string.Join(", ", offsets)}{texts["Offset_MonthsUnit"]})" : "";
        return $"{texts.AgeRange(s.MinAgeMonths, s.MaxAgeMonthsExclusive)}: {texts["Doses_N", s.DoseCount]}{at}";
    }

    /// <summary>The rules editor's heading of one age band, e.g. "108月龄起至180月龄前：2剂".</summary>
    public static string RulesSchedule(this IStringLocalizer<VaccineTexts> texts, int from, int? to, int doses) =>
        to is { } t ? texts["Rules_ScheduleBand", from, t, doses] : texts["Rules_ScheduleOpen", from, doses];

    private static string Years(int months) => months % 12 == 0
        ? (months / 12).ToString(CultureInfo.InvariantCulture)
        : (months / 12.0).ToString("0.#", CultureInfo.InvariantCulture);
}
