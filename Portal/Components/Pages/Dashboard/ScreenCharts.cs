using MudBlazor;
using Portal.Components.Layout;

namespace Portal.Components.Pages.Dashboard;

/// <summary>Shared chart pieces: one palette readable on the dark screen, and a one-series helper.</summary>
public static class ScreenCharts
{
    public static readonly string[] Palette =
    [
        ConsoleTheme.ScreenAccent, ConsoleTheme.ScreenSecondary, "#FFB74D", "#BA68C8", "#F06292",
        "#AED581", "#FFD54F", "#4DD0E1", "#9575CD", "#E57373",
    ];

    public static List<ChartSeries<double>> Series(string name, IEnumerable<long> values) =>
        [new ChartSeries<double> { Name = name, Data = new ChartData<double>(values.Select(v => (double)v).ToArray()) }];
}
