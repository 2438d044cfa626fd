using Microsoft.Extensions.Localization;
using Portal.Core.Archives;

namespace Portal.Components.Pages.Archives;

/// <summary>Marker for <c>IStringLocalizer&lt;ArchiveTexts&gt;</c>: the archive review page's texts in
/// <c>Resources/Components/Pages/Archives/ArchiveTexts(.en).resx</c> (see docs/decisions/0012-ui-text.md).</summary>
public sealed class ArchiveTexts
{
    private ArchiveTexts()
    {
    }
}

/// <summary>The archive review page's names for request kinds and statuses.</summary>
public static class ArchiveTextFormats
{
    public static string KindName(this IStringLocalizer<ArchiveTexts> texts, ArchiveRequestKind kind) => kind switch
    {
        ArchiveRequestKind.Bind => texts["Kind_Bind"],
        ArchiveRequestKind.Create => texts["Kind_Create"],
        _ => texts["Kind_Transfer"],
    };

    public static string StatusName(this IStringLocalizer<ArchiveTexts> texts, ArchiveRequestStatus? status) => status switch
    {
        null => texts["Status_All"],
        ArchiveRequestStatus.Pending => texts["Status_Pending"],
        ArchiveRequestStatus.Approved => texts["Status_Approved"],
        ArchiveRequestStatus.Rejected => texts["Status_Rejected"],
        _ => texts["Status_Withdrawn"],
    };
}
