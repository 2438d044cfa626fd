using System.Globalization;
using Portal.Core.Common;

namespace Portal.Components.Pages.Audit;

/// <summary>The audit log page's own texts, Chinese and English, chosen by the current UI culture.</summary>
public static class AuditTexts
{
    public static string Title => T("审计日志", "Audit log");
    public static string Newest(int count) => T($"最近 {count} 条记录", $"The newest {count} entries");
    public static string Search => T("搜索", "Search");
    public static string SearchHint => T("按用户、操作、对象、详情或IP查找", "Search by user, action, entity, detail or IP");
    public static string Time => T("时间", "Time");
    public static string User => T("用户", "User");
    public static string Action => T("操作", "Action");
    public static string Entity => T("对象", "Entity");
    public static string Detail => T("详情", "Detail");
    public static string Ip => T("IP地址", "IP address");
    public static string NoRecords => T("没有符合条件的审计记录", "No audit entries match");

    private static string T(string zh, string en) => new Bilingual(zh, en).For(CultureInfo.CurrentUICulture);
}
