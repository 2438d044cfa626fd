using Microsoft.Extensions.Localization;
using Portal.Core.Dashboard;
using Portal.Core.Identity;

namespace Portal.Components.Pages.Dashboard;

/// <summary>Marker for <c>IStringLocalizer&lt;ScreenTexts&gt;</c>: the big screen's texts in
/// <c>Resources/Components/Pages/Dashboard/ScreenTexts(.en).resx</c> (see docs/decisions/0012-ui-text.md).</summary>
public sealed class ScreenTexts
{
    private ScreenTexts()
    {
    }
}

/// <summary>Big-screen texts that depend on what the screen shows.</summary>
public static class ScreenTextFormats
{
    /// <summary>The city's title, or the district's, site's or employer's whose figures the screen shows.</summary>
    public static string TitleFor(this IStringLocalizer<ScreenTexts> texts, DashboardScopeLabel? scope) =>
        scope is null || scope.Kind == DataScopeKind.City || string.IsNullOrEmpty(scope.Name)
            ? texts["Title"]
            : texts["TitleForScope", scope.Name];
}
