using Microsoft.Extensions.Localization;
using Portal.Core.Sites;

namespace Portal.Components.Pages.Sites;

/// <summary>Marker for <c>IStringLocalizer&lt;SiteTexts&gt;</c>: the sites page's texts in
/// <c>Resources/Components/Pages/Sites/SiteTexts(.en).resx</c> (see docs/decisions/0012-ui-text.md).</summary>
public sealed class SiteTexts
{
    private SiteTexts()
    {
    }
}

/// <summary>Sites-page texts built from a site's data.</summary>
public static class SiteTextFormats
{
    public static string KindName(this IStringLocalizer<SiteTexts> texts, SiteKind kind) => kind switch
    {
        SiteKind.Clinic => texts["Kind_Clinic"],
        SiteKind.Temporary => texts["Kind_Temporary"],
        _ => kind.ToString(),
    };

    /// <summary>Days with the same hours grouped into runs, e.g. "周一至周六 08:00–11:30; 周日 08:00–10:00".</summary>
    public static string HoursSummary(this IStringLocalizer<SiteTexts> texts, IEnumerable<OpeningHours> hours)
    {
        var byDay = hours
            .GroupBy(h => MondayFirst(h.Day))
            .OrderBy(g => g.Key)
            .Select(g => (Day: g.Key, Text: string.Join(", ", g.OrderBy(h => h.Opens)
                .Select(h => $"{h.Opens:HH\\:mm}–{h.Closes:HH\\:mm}"))))
            .ToList();
        if (byDay.Count == 0)
            return texts["Closed"];

        var parts = new List<string>();
        var i = 0;
        while (i < byDay.Count)
        {
            var j = i;
            while (j + 1 < byDay.Count && byDay[j + 1].Day == byDay[j].Day + 1 && byDay[j + 1].Text == byDay[i].Text)
                j++;
            var days = i == j ? DayName(texts, byDay[i].Day) : texts["DayRange", DayName(texts, byDay[i].Day), DayName(texts, byDay[j].Day)];
            parts.Add($"{days} {byDay[i].Text}");
            i = j + 1;
        }

        return string.Join("; ", parts);
    }

    private static int MondayFirst(DayOfWeek day) => ((int)day + 6) % 7;

    private static string DayName(IStringLocalizer<SiteTexts> texts, int mondayFirst) => mondayFirst switch
    {
        0 => texts["Day_Mon"],
        1 => texts["Day_Tue"],
        2 => texts["Day_Wed"],
        3 => texts["Day_Thu"],
        4 => texts["Day_Fri"],
        5 => texts["Day_Sat"],
        _ => texts["Day_Sun"],
    };
}
