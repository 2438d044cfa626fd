using System.Globalization;
using Portal.Core.Common;

namespace Portal.Components.Pages.Slots;

/// <summary>The slots page's own texts, Chinese and English, chosen by the current UI culture.</summary>
public static class SlotTexts
{
    public static string Title => T("号源管理", "Slots");
    public static string Site => T("接种点", "Site");
    public static string NoSites => T("您的账号没有可管理的接种点", "Your account has no site to manage");
    public static string From => T("开始日期", "From");
    public static string To => T("结束日期", "To");
    public static string Refresh => T("刷新", "Refresh");
    public static string TabSlots => T("号源", "Slots");
    public static string TabTemplates => T("号源模板", "Templates");
    public static string TabClosures => T("停诊日", "Closure days");

    public static string Date => T("日期", "Date");
    public static string Time => T("时段", "Time");
    public static string Vaccine => T("疫苗", "Vaccine");
    public static string Capacity => T("容量", "Capacity");
    public static string Booked => T("已预约", "Booked");
    public static string ReleaseAt => T("开放时间", "Opens at");
    public static string Immediately => T("立即", "at once");
    public static string Status => T("状态", "Status");
    public static string Open => T("开放", "Open");
    public static string Closed => T("已关闭", "Closed");
    public static string Actions => T("操作", "Actions");
    public static string Resize => T("调整容量", "Resize");
    public static string Close => T("关闭", "Close");
    public static string Reopen => T("重新开放", "Reopen");
    public static string Save => T("保存", "Save");
    public static string Cancel => T("取消", "Cancel");
    public static string Delete => T("删除", "Delete");
    public static string Add => T("添加", "Add");
    public static string NoSlots => T("该日期范围内没有号源", "No slots in this date range");
    public static string Saved => T("已保存", "Saved");
    public static string ResizeTitle(DateOnly date, TimeOnly start) => T($"调整 {date:yyyy-MM-dd} {start:HH\\:mm} 的容量", $"Resize the {date:yyyy-MM-dd} {start:HH\\:mm} slot");

    public static string StockTitle => T("按库存可预约第一剂", "Bookable first doses (from stock)");
    public static string OnHand => T("有效库存", "Unexpired stock");
    public static string HeldBack => T("预留后续剂次", "Held back for later doses");
    public static string BookedFirst => T("已预约第一剂", "First doses booked");
    public static string Bookable => T("可预约第一剂", "Bookable first doses");

    public static string Weekday => T("星期", "Weekday");
    public static string Start => T("开始时间", "Start");
    public static string End => T("结束时间", "End");
    public static string ReleaseDaysBefore => T("提前开放天数", "Opens days before");
    public static string ReleaseTime => T("开放时刻", "Opens at time");
    public static string Active => T("启用", "Active");
    public static string GenerateNow => T("立即生成号源", "Generate slots now");
    public static string Generated(int count) => T($"已生成 {count} 个号源", $"{count} slots generated");
    public static string NoTemplates => T("尚无号源模板", "No templates yet");

    public static string Reason => T("原因", "Reason");
    public static string NoClosures => T("没有停诊日", "No closure days");
    public static string ClosureHint => T("设为停诊日会关闭当天所有号源，已有预约保留。", "Closing a day closes all its slots; existing appointments are kept.");

    public static string DayName(DayOfWeek day) => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "zh"
        ? CultureInfo.GetCultureInfo("zh-CN").DateTimeFormat.GetDayName(day)
        : CultureInfo.InvariantCulture.DateTimeFormat.GetDayName(day);

    public static string Name(Bilingual text) => text.For(CultureInfo.CurrentUICulture);

    /// <summary>The message of a failed service call in the current language.</summary>
    public static string Error(Exception e) => e switch
    {
        DomainValidationException v => string.Join(" ", v.Errors.Select(x => x.Message.ForCurrentUiCulture())),
        DomainProblemException p => p.Bilingual.ForCurrentUiCulture(),
        _ => T("操作失败", "The operation failed"),
    };

    private static string T(string zh, string en) => new Bilingual(zh, en).For(CultureInfo.CurrentUICulture);
}
