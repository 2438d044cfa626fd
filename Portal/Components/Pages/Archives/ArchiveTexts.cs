using System.Globalization;
using Portal.Core.Archives;

namespace Portal.Components.Pages.Archives;

/// <summary>The archive review page's own texts, Chinese and English, by the current UI culture.</summary>
public static class ArchiveTexts
{
    public static string Title => T("档案申请审核", "Archive requests");
    public static string Status => T("状态", "Status");
    public static string Kind => T("类型", "Kind");
    public static string Resident => T("受种者", "Resident");
    public static string From => T("原接种点", "From site");
    public static string To => T("接种点", "Site");
    public static string Submitted => T("提交时间", "Submitted");
    public static string Approve => T("通过", "Approve");
    public static string Reject => T("驳回", "Reject");
    public static string Reason => T("驳回原因", "Reason");
    public static string None => T("暂无申请", "No requests");
    public static string Done => T("已处理", "Done");

    public static string KindName(ArchiveRequestKind kind) => kind switch
    {
        ArchiveRequestKind.Bind => T("档案绑定", "Bind"),
        ArchiveRequestKind.Create => T("自助建档", "New archive"),
        _ => T("迁档", "Transfer"),
    };

    public static string StatusName(ArchiveRequestStatus? status) => status switch
    {
        null => T("全部", "All"),
        ArchiveRequestStatus.Pending => T("待审核", "Pending"),
        ArchiveRequestStatus.Approved => T("已通过", "Approved"),
        ArchiveRequestStatus.Rejected => T("已驳回", "Rejected"),
        _ => T("已撤回", "Withdrawn"),
    };

    private static string T(string zh, string en) => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "zh" ? zh : en;
}
