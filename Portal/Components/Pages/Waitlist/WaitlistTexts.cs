using System.Globalization;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Waitlist;

namespace Portal.Components.Pages.Waitlist;

/// <summary>The waitlist console's own texts, Chinese and English, chosen by the current UI culture.</summary>
public static class WaitlistTexts
{
    public static string Title => T("紧缺疫苗排队", "Scarce-vaccine waitlist");
    public static string Intro => T("登记、分配批次（先到先得或公开摇号）与名额顺延的全过程记录。",
        "Registrations, allocation campaigns (first come, first served or a public seeded lottery) and every place passed on.");
    public static string Waiting(int count) => T($"排队中：{count} 人", $"Waiting: {count}");
    public static string NoProducts => T("目前没有紧缺疫苗", "No scarce vaccines at present");
    public static string NoCampaigns => T("尚无分配批次", "No campaigns yet");
    public static string Campaign => T("批次", "Campaign");
    public static string Method => T("方式", "Method");
    public static string Places => T("名额", "Places");
    public static string OfferHours => T("有效时长（小时）", "Offer hours");
    public static string Seed => T("随机种子", "Seed");
    public static string SeedHint => T("留空则随机生成并保存", "Leave empty for a random seed (stored)");
    public static string ResultHash => T("结果哈希（SHA-256）", "Result hash (SHA-256)");
    public static string DrawnAt => T("抽取时间", "Drawn at");
    public static string Candidates => T("参与人数", "Candidates");
    public static string Offered => T("已发名额", "Offers");
    public static string Accepted => T("已预约", "Booked");
    public static string Verify => T("复核", "Verify");
    public static string Verified(string hash) => T($"复核一致：{hash}", $"Verified: {hash}");
    public static string Mismatch(string hash) => T($"复核不一致！重算结果：{hash}", $"Mismatch! Recomputed: {hash}");
    public static string NewCampaign => T("新建并抽取批次", "Create and draw a campaign");
    public static string Name => T("名称（可选）", "Name (optional)");
    public static string District => T("区县代码（可选）", "District code (optional)");
    public static string OwnDistrict => T("区县代码（本区）", "District code (your district)");
    public static string HiddenEvents(int count) => T($"另有 {count} 条记录属于其他区或全市批次，未显示", $"{count} more steps belong to campaigns of other districts or the city and are not shown");
    public static string Draw => T("创建并抽取", "Create and draw");
    public static string Drawn(int offers) => T($"已抽取，发出 {offers} 个名额", $"Drawn: {offers} offers sent");
    public static string Why => T("为什么她先于我？— 登记记录查询", "\"Why did she get a dose before me?\" — entry history");
    public static string WhyHint => T("输入登记号或脱敏证件号（如 310104********1234）", "Enter an entry id or a masked ID number (e.g. 310104********1234)");
    public static string Lookup => T("查询", "Look up");
    public static string NotFound => T("没有找到登记", "No waitlist entry found");
    public static string Entry(long id) => T($"登记号 {id}", $"Entry {id}");
    public static string Position(int? position) => position is { } p ? T($"当前排队位置：第 {p} 位", $"Current position: {p}") : "";
    public static string Registered => T("登记时间", "Registered");
    public static string Status => T("状态", "Status");
    public static string Time => T("时间", "Time");
    public static string Kind => T("步骤", "Step");
    public static string Detail => T("详情", "Detail");

    public static string MethodName(AllocationMethod method) => method == AllocationMethod.Lottery ? T("摇号", "Lottery") : T("先到先得", "First come, first served");

    public static string StatusName(WaitlistStatus status) => status switch
    {
        WaitlistStatus.Waiting => T("排队中", "Waiting"),
        WaitlistStatus.Offered => T("已获名额", "Offered"),
        WaitlistStatus.Booked => T("已预约", "Booked"),
        WaitlistStatus.Expired => T("已过期", "Expired"),
        WaitlistStatus.Declined => T("已放弃", "Declined"),
        _ => T("已撤回", "Withdrawn"),
    };

    public static string At(DateTimeOffset? at) => at is { } a ? ChinaTime.ToChina(a).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";

    private static string T(string zh, string en) => new Bilingual(zh, en).For(CultureInfo.CurrentUICulture);
}
