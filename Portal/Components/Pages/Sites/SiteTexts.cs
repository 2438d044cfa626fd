using System.Globalization;
using Portal.Core.Common;
using Portal.Core.Sites;

namespace Portal.Components.Pages.Sites;

/// <summary>The sites page's own texts, Chinese and English, chosen by the current UI culture.</summary>
public static class SiteTexts
{
    public static string Title => T("接种点", "Vaccination sites");
    public static string Search => T("搜索", "Search");
    public static string SearchHint => T("按编码、名称、区、街道或地址查找", "Search by code, name, district, street or address");
    public static string Code => T("编码", "Code");
    public static string Name => T("名称", "Name");
    public static string Kind => T("类型", "Kind");
    public static string District => T("所属区", "District");
    public static string Street => T("街道", "Street");
    public static string Address => T("地址", "Address");
    public static string Phone => T("电话", "Phone");
    public static string Hours => T("开放时间", "Opening hours");
    public static string NoRecords => T("没有符合条件的接种点", "No sites match");
    public static string Closed => T("暂无开放时间", "No opening hours");

    public static string KindName(SiteKind kind) => kind switch
    {
        SiteKind.Clinic => T("门诊", "Clinic"),
        SiteKind.Temporary => T("临时接种点", "Temporary site"),
        _ => kind.ToString(),
    };

    /// <summary>Days with the same hours grouped into runs, e.g. "周一至周六 08:00–11:30; 周日 08:00–10:00".</summary>
    public static string HoursSummary(IEnumerable<OpeningHours> hours)
    {
        var byDay = hours
            .GroupBy(h => MondayFirst(h.Day))
            .OrderBy(g => g.Key)
            .Select(g => (Day: g.Key, Text: string.Join(", ", g.OrderBy(h => h.Opens)
                .Select(h => $"{h.Opens:HH\\:mm}–{h.Closes:HH\\:mm}"))))
            .ToList();
        if (byDay.Count == 0)
            return Closed;

        var parts = new List<string>();
        var i = 0;
        while (i < byDay.Count)
        {
            var j = i;
            while (j + 1 < byDay.Count && byDay[j + 1].Day == byDay[j].Day + 1 && byDay[j + 1].Text == byDay[i].Text)
                j++;
            var days = i == j ? DayName(byDay[i].Day) : DayName(byDay[i].Day) + T("至", "–") + DayName(byDay[j].Day);
            parts.Add($"{days} {byDay[i].Text}");
            i = j + 1;
        }

        return string.Join("; ", parts);
    }

    private static int MondayFirst(DayOfWeek day) => ((int)day + 6) % 7;

    private static string DayName(int mondayFirst) => mondayFirst switch
    {
        0 => T("周一", "Mon"),
        1 => T("周二", "Tue"),
        2 => T("周三", "Wed"),
        3 => T("周四", "Thu"),
        4 => T("周五", "Fri"),
        5 => T("周六", "Sat"),
        _ => T("周日", "Sun"),
    };

    private static string T(string zh, string en) => new Bilingual(zh, en).For(CultureInfo.CurrentUICulture);
}
