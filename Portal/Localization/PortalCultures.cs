using System.Globalization;

namespace Portal.Localization;

/// <summary>The two UI cultures of the console. zh-CN is the default for everyone who has not chosen
/// (the browser's Accept-Language is deliberately ignored: the console is a Shanghai CDC tool).</summary>
public static class PortalCultures
{
    public const string Chinese = "zh-CN";
    public const string English = "en";
    public const string Default = Chinese;

    /// <summary>Where <see cref="Microsoft.Extensions.Localization.ResourceManagerStringLocalizerFactory"/> looks for .resx files.</summary>
    public const string ResourcesPath = "Resources";

    public static readonly IReadOnlyList<string> Supported = [Chinese, English];

    /// <summary>The supported name as we spell it ("zh-CN", "en"), or null when the culture is not supported.</summary>
    public static string? Normalize(string? culture) =>
        Supported.FirstOrDefault(c => string.Equals(c, culture, StringComparison.OrdinalIgnoreCase));

    public static bool IsChinese(CultureInfo culture) => Portal.Core.Common.Bilingual.IsChinese(culture);
}
