using Microsoft.Extensions.Localization;
using Portal.Core.Residents;

namespace Portal.Components.Pages.Injections;

/// <summary>Marker for <c>IStringLocalizer&lt;InjectionTexts&gt;</c>: the injections page's texts in
/// <c>Resources/Components/Pages/Injections/InjectionTexts(.en).resx</c> (see docs/decisions/0012-ui-text.md).</summary>
public sealed class InjectionTexts
{
    private InjectionTexts()
    {
    }
}

/// <summary>The injections page's names for enum values.</summary>
public static class InjectionTextFormats
{
    public static string SexName(this IStringLocalizer<InjectionTexts> texts, Sex sex) => sex switch
    {
        Sex.Male => texts["Sex_Male"],
        Sex.Female => texts["Sex_Female"],
        _ => texts["Sex_Unknown"],
    };
}
