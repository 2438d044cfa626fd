// In the root namespace for the same reason as SharedResources: the resource name the localizer factory looks for.
using Microsoft.Extensions.Localization;
using MudBlazor;
using Portal.Localization;

namespace Portal;

/// <summary>Marker for <c>Resources/MudBlazorTexts(.en).resx</c>: MudBlazor's own component strings ("Rows per page",
/// "Loading…", the date picker's buttons) in Chinese.</summary>
public sealed class MudBlazorTexts
{
    private MudBlazorTexts()
    {
    }
}

/// <summary>MudBlazor asks this for each of its strings in a non-English culture: Chinese from the resources; anything
/// else (or a key MudBlazor adds in a later version) falls back to MudBlazor's English.</summary>
public sealed class ChineseMudLocalizer(IStringLocalizer<MudBlazorTexts> texts) : MudLocalizer
{
    public override LocalizedString this[string key] =>
        PortalCultures.IsChinese(System.Globalization.CultureInfo.CurrentUICulture) ? texts[key] : new LocalizedString(key, key, resourceNotFound: true);
}
