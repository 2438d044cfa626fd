using Microsoft.Extensions.Localization;
using Portal.Core.Common;

namespace Portal.Components.Pages.Slots;

/// <summary>Marker for <c>IStringLocalizer&lt;SlotTexts&gt;</c>: the slots page's texts in
/// <c>Resources/Components/Pages/Slots/SlotTexts(.en).resx</c> (see docs/decisions/0012-ui-text.md).</summary>
public sealed class SlotTexts
{
    private SlotTexts()
    {
    }
}

/// <summary>Slots-page texts for weekdays and failed service calls.</summary>
public static class SlotTextFormats
{
    public static string DayName(this IStringLocalizer<SlotTexts> texts, DayOfWeek day) => day switch
    {
        DayOfWeek.Monday => texts["Day_Monday"],
        DayOfWeek.Tuesday => texts["Day_Tuesday"],
        DayOfWeek.Wednesday => texts["Day_Wednesday"],
        DayOfWeek.Thursday => texts["Day_Thursday"],
        DayOfWeek.Friday => texts["Day_Friday"],
        DayOfWeek.Saturday => texts["Day_Saturday"],
        _ => texts["Day_Sunday"],
    };

    /// <summary>The message of a failed service call in the current language.</summary>
    public static string Error(this IStringLocalizer<SlotTexts> texts, Exception e) => e switch
    {
        DomainValidationException v => string.Join(" ", v.Errors.Select(x => x.Message.ForCurrentUiCulture())),
        DomainProblemException p => p.Bilingual.ForCurrentUiCulture(),
        _ => texts["OperationFailed"],
    };
}
