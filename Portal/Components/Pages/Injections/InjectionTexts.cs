using System.Globalization;
using Portal.Core.Common;
using Portal.Core.Residents;

namespace Portal.Components.Pages.Injections;

/// <summary>The injections page's own texts, Chinese and English, chosen by the current UI culture
/// (kept here rather than in the shared resources, which other pages own).</summary>
public static class InjectionTexts
{
    public static string Title => T("接种记录", "Injection records");
    public static string Export => T("导出Excel", "Export to Excel");
    public static string ExportTooLarge(int total, int limit) => T(
        $"当前筛选共 {total:N0} 条记录，超过单次导出上限 {limit:N0} 条，请缩小日期范围后导出。",
        $"{total:N0} records match, more than the export limit of {limit:N0}. Narrow the date range to export.");

    public static string DateRange => T("接种日期", "Injection date");
    public static string From => T("开始日期", "From");
    public static string To => T("结束日期", "To");
    public static string District => T("所属区", "District");
    public static string AllDistricts => T("全部区", "All districts");
    public static string Search => T("姓名", "Name");
    public static string SearchHint => T("按受种者姓名查找", "Search by the resident's name");
    public static string Reset => T("重置", "Reset");

    public static string InjectedAt => T("接种时间", "Time");
    public static string Name => T("姓名", "Name");
    public static string IdNumber => T("证件号码", "ID number");
    public static string Phone => T("手机号码", "Mobile");
    public static string SexLabel => T("性别", "Sex");
    public static string Age => T("年龄", "Age");
    public static string Vaccine => T("疫苗", "Vaccine");
    public static string Dose => T("剂次", "Dose");
    public static string Batch => T("批号", "Batch");
    public static string Site => T("接种单位", "Site");
    public static string DistrictColumn => T("所属区", "District");
    public static string Doctor => T("接种医生", "Doctor");
    public static string Actions => T("操作", "Actions");
    public static string NoRecords => T("没有符合条件的接种记录", "No injection records match");

    public static string Reveal => T("查看", "View");
    public static string RevealHint => T("查看完整证件号码和手机号码（将记录审计日志）", "Show the full ID and mobile numbers (audited)");
    public static string Revealed => T("完整信息", "Full details");
    public static string RevealAudited => T("本次查看已记录审计日志。", "This view has been recorded in the audit log.");
    public static string RevealDenied => T("您无权查看该记录的完整个人信息。", "You may not see this record's full personal data.");
    public static string NoPhone => T("无", "none");

    public static string SexName(Sex sex) => sex switch
    {
        Sex.Male => T("男", "Male"),
        Sex.Female => T("女", "Female"),
        _ => T("未知", "Unknown"),
    };

    public static string VaccineName(Bilingual name) => name.For(CultureInfo.CurrentUICulture);

    private static string T(string zh, string en) => new Bilingual(zh, en).For(CultureInfo.CurrentUICulture);
}
