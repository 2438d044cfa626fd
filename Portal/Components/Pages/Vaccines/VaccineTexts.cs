using System.Globalization;
using Portal.Core.Common;
using Portal.Core.Residents;
using Portal.Core.Vaccines;

namespace Portal.Components.Pages.Vaccines;

/// <summary>The vaccines page's own texts, Chinese and English, chosen by the current UI culture.</summary>
public static class VaccineTexts
{
    public static string Title => T("疫苗目录", "Vaccines");
    public static string Search => T("搜索", "Search");
    public static string SearchHint => T("按项目、品牌或厂家查找", "Search by programme, brand or maker");
    public static string Programme => T("接种项目", "Programme");
    public static string Brand => T("品牌", "Brand");
    public static string Maker => T("生产企业", "Maker");
    public static string Valency => T("价次", "Valency");
    public static string Eligibility => T("适用人群", "Eligibility");
    public static string Schedules => T("免疫程序", "Dose schedules");
    public static string Scarce => T("紧缺", "Scarce");
    public static string NoRecords => T("没有符合条件的疫苗", "No vaccines match");

    public static string ValencyText(int? valency) => valency is { } v ? T($"{v}价", $"{v}-valent") : "—";

    public static string SexName(Sex? sex) => sex switch
    {
        Sex.Male => T("男性", "Male"),
        Sex.Female => T("女性", "Female"),
        _ => T("不限性别", "Any sex"),
    };

    /// <summary>Age range in years, e.g. "9–45岁" (the upper bound is exclusive: 46 years = up to 45).</summary>
    public static string AgeRange(int minMonths, int? maxMonthsExclusive)
    {
        var min = Years(minMonths);
        if (maxMonthsExclusive is not { } max)
            return T($"{min}岁及以上", $"{min}+ years");
        var upper = max % 12 == 0 ? Years(max - 12) : Years(max);
        return T($"{min}–{upper}岁", $"{min}–{upper} years");
    }

    public static string Eligible(VaccineProduct p) => $"{SexName(p.RequiredSex)}, {AgeRange(p.MinAgeMonths, p.MaxAgeMonthsExclusive)}";

    /// <summary>e.g. "9–14岁: 2剂 (0, 6月)": each dose's minimum offset from the first dose.</summary>
    public static string Schedule(DoseSchedule s)
    {
        var offsets = new List<string>();
        var (months, days) = (0, 0);
        foreach (var d in s.Doses.OrderBy(d => d.DoseNumber))
        {
            if (d.DoseNumber > 1)
                (months, days) = d.From == IntervalFrom.PreviousDose
                    ? (months + d.MinIntervalMonths, days + d.MinIntervalDays)
                    : (d.MinIntervalMonths, d.MinIntervalDays);
            offsets.Add(days == 0 ? months.ToString(CultureInfo.InvariantCulture) : T($"{months}月{days}天", $"{months}mo {days}d"));
        }

        var at = offsets.Count > 0 ? $" ({string.Join(", ", offsets)}{T("月", " mo")})" : "";
        return $"{AgeRange(s.MinAgeMonths, s.MaxAgeMonthsExclusive)}: {T($"{s.DoseCount}剂", $"{s.DoseCount} doses")}{at}";
    }

    private static string Years(int months) => months % 12 == 0
        ? (months / 12).ToString(CultureInfo.InvariantCulture)
        : (months / 12.0).ToString("0.#", CultureInfo.InvariantCulture);

    public static string Pick(string zh, string en) => T(zh, string.IsNullOrWhiteSpace(en) ? zh : en);

    private static string T(string zh, string en) => new Bilingual(zh, en).For(CultureInfo.CurrentUICulture);
}

/// <summary>Texts of the rules editor (<c>/vaccines/{id}/rules</c>).</summary>
public static class RuleTexts
{
    private static string T(string zh, string en) =>
        CultureInfo.CurrentUICulture.Name.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? en : zh;

    public static string Title => T("接种规则", "Eligibility rules");
    public static string Edit => T("编辑规则", "Edit rules");
    public static string MinAge => T("最小年龄（月）", "Minimum age (months)");
    public static string MaxAge => T("最大年龄（月，不含；空为不限）", "Maximum age (months, exclusive; empty: none)");
    public static string Sex => T("限定性别", "Required sex");
    public static string AnySex => T("不限", "Any");
    public static string Scarce => T("紧缺疫苗（首剂须排队）", "Scarce (first dose through the waitlist)");
    public static string Active => T("可预约", "Bookable");
    public static string Save => T("保存", "Save");
    public static string Saved => T("已保存，新规则即时生效", "Saved; the new rules apply now");
    public static string Dose => T("剂次", "Dose");
    public static string MinMonths => T("最短间隔（月）", "Min interval (months)");
    public static string MinDays => T("最短间隔（天）", "Min interval (days)");
    public static string MaxMonths => T("最长间隔（月）", "Max interval (months)");
    public static string MaxDays => T("最长间隔（天）", "Max interval (days)");
    public static string Schedule(int from, int? to, int doses) =>
        T($"{from}月龄起{(to is { } t ? $"至{t}月龄前" : "")}：{doses}剂", $"From {from} months{(to is { } t2 ? $" to under {t2}" : "")}: {doses} doses");
    public static string NotFound => T("疫苗不存在", "No such vaccine");
    public static string SeriesGroup => T("所属系列", "Series group");
    public static string SeriesGroupHelp => T("同一系列的疫苗可互相续种、合并计算剂次", "Vaccines of one series count for each other's doses");
    public static string BandFrom => T("首剂年龄起（月）", "First dose from (months)");
    public static string BandTo => T("至（月，不含）", "To under (months)");
    public static string DoseCount => T("剂次数", "Doses");
}
