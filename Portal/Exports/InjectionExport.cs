using System.Globalization;
using Portal.Core.Common.Privacy;
using Portal.Core.Injections.Queries;
using Portal.Core.Residents;

namespace Portal.Exports;

/// <summary>The injections workbook (接种记录). Personal data is masked here whatever the caller's role:
/// a file leaves the building, so even users who may reveal numbers on screen export masked values.</summary>
public static class InjectionExport
{
    public const string SheetName = "接种记录";

    public static readonly IReadOnlyList<ExcelColumn<InjectionRow>> Columns =
    [
        new("接种时间", 17, r => r.InjectedAt, ExcelExporter.DateTimeFormat),
        new("姓名", 10, r => Masking.MaskName(r.ResidentName)),
        // Rows hold masked numbers already; masking again costs nothing (it is idempotent) and keeps a
        // future row type with full numbers from leaking through this file.
        new("证件号码", 22, r => Masking.MaskIdNumber(r.IdNumberMasked)),
        new("手机号码", 14, r => Masking.MaskPhone(r.PhoneMasked)),
        new("性别", 6, r => SexText(r.Sex)),
        new("年龄", 6, r => r.Age, "0"),
        new("疫苗", 36, r => r.Vaccine.Zh),
        new("剂次", 6, r => r.DoseNumber, "0"),
        new("批号", 14, r => r.BatchNumber),
        new("接种单位", 40, r => r.SiteName),
        new("所属区", 10, r => r.DistrictName),
        new("接种医生", 12, r => r.DoctorName),
    ];

    /// <summary>接种记录_yyyyMMdd.xlsx for the (China) day of the export.</summary>
    public static string FileName(DateOnly day) => $"{SheetName}_{day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}.xlsx";

    public static string SexText(Sex sex) => sex switch
    {
        Sex.Male => "男",
        Sex.Female => "女",
        _ => "未知",
    };
}
