using MudBlazor;

namespace Portal.Components.Layout;

/// <summary>The console's MudBlazor themes. The colours are the same as the CSS variables in
/// wwwroot-theme/theme.css and bigscreen.css (a test compares them): health-authority blue with teal,
/// text contrast of at least 4.5:1 on the light background.</summary>
public static class ConsoleTheme
{
    public const string Primary = "#1565C0";
    public const string PrimaryDark = "#0D47A1";
    public const string Secondary = "#00897B";
    public const string Background = "#F4F7FA";
    public const string Surface = "#FFFFFF";
    public const string TextPrimary = "#1F2933";
    public const string TextSecondary = "#52606D";
    public const string Success = "#2E7D32";
    public const string Warning = "#E65100";
    public const string Error = "#C62828";
    public const string Info = "#0277BD";

    public const string ScreenBackground = "#06121F";
    public const string ScreenSurface = "#0E2238";
    public const string ScreenAccent = "#4FC3F7";
    public const string ScreenSecondary = "#4DB6AC";
    public const string ScreenText = "#E6F1FF";

    /// <summary>System fonts that carry Simplified Chinese glyphs; nothing is downloaded.</summary>
    private static readonly string[] FontFamily =
    [
        "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
        "system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif",
    ];

    public static MudTheme Console { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = Primary,
            PrimaryDarken = PrimaryDark,
            Secondary = Secondary,
            Tertiary = "#5E35B1",
            Info = Info,
            Success = Success,
            Warning = Warning,
            Error = Error,
            Background = Background,
            Surface = Surface,
            AppbarBackground = Primary,
            AppbarText = "#FFFFFF",
            DrawerBackground = Surface,
            DrawerText = TextPrimary,
            DrawerIcon = Primary,
            TextPrimary = TextPrimary,
            TextSecondary = TextSecondary,
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontFamily },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px" },
    };

    /// <summary>The wall screen: dark, high contrast, read from across a room.</summary>
    public static MudTheme Screen { get; } = new()
    {
        PaletteDark = new PaletteDark
        {
            Primary = ScreenAccent,
            Secondary = ScreenSecondary,
            Background = ScreenBackground,
            Surface = ScreenSurface,
            AppbarBackground = ScreenBackground,
            TextPrimary = ScreenText,
            TextSecondary = "#9FB3C8",
            Success = "#66BB6A",
            Warning = "#FFA726",
            Error = "#EF5350",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontFamily },
        },
    };
}
