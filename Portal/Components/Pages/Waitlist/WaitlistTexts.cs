using System.Globalization;
using Microsoft.Extensions.Localization;
using Portal.Core.Common;
using Portal.Core.Waitlist;

namespace Portal.Components.Pages.Waitlist;

/// <summary>Marker for <c>IStringLocalizer&lt;WaitlistTexts&gt;</c>: the waitlist console's texts in
/// <c>Resources/Components/Pages/Waitlist/WaitlistTexts(.en).resx</c> (see docs/decisions/0012-ui-text.md).</summary>
public sealed class WaitlistTexts
{
    private WaitlistTexts()
    {
    }
}

/// <summary>Waitlist-console texts for enum values, positions and times.</summary>
public static class WaitlistTextFormats
{
    public static string Position(this IStringLocalizer<WaitlistTexts> texts, int? position) =>
        position is { } p ? texts["Position_N", p] : "";

    public static string MethodName(this IStringLocalizer<WaitlistTexts> texts, AllocationMethod method) =>
        method == AllocationMethod.Lottery ? texts["Method_Lottery"] : texts["Method_FirstCome"];

    public static string StatusName(this IStringLocalizer<WaitlistTexts> texts, WaitlistStatus status) => status switch
    {
        WaitlistStatus.Waiting => texts["Status_Waiting"],
        WaitlistStatus.Offered => texts["Status_Offered"],
        WaitlistStatus.Booked => texts["Status_Booked"],
        WaitlistStatus.Expired => texts["Status_Expired"],
        WaitlistStatus.Declined => texts["Status_Declined"],
        _ => texts["Status_Withdrawn"],
    };

    /// <summary>China wall-clock time, the same in both languages; "—" when there is none.</summary>
    public static string At(this IStringLocalizer<WaitlistTexts> _, DateTimeOffset? at) =>
        at is { } a ? ChinaTime.ToChina(a).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";
}
