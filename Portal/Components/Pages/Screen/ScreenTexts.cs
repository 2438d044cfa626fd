using System.Globalization;
using Portal.Core.Dashboard;
using Portal.Core.Identity;
using Portal.Localization;

namespace Portal.Components.Pages.Screen;

/// <summary>The big screen's own texts, Chinese and English, picked by the UI culture. Kept here rather
/// than in SharedResources so the screen can change without touching the console's resource files.</summary>
public static class ScreenTexts
{
    public static string Title => Pick("上海市疫苗接种实时大屏", "Shanghai Vaccination Live Screen");

    /// <summary>The city's title, or the district's, site's or employer's whose figures the screen shows.</summary>
    public static string TitleFor(DashboardScopeLabel? scope) =>
        scope is null || scope.Kind == DataScopeKind.City || string.IsNullOrEmpty(scope.Name)
            ? Title
            : Pick($"{scope.Name} · 疫苗接种实时大屏", $"Vaccination Live Screen · {scope.Name}");

    public static string NoScope => Pick("您的账号没有可查看的数据范围", "Your account has no data scope to show");
    public static string Live => Pick("实时", "Live");
    public static string Connecting => Pick("连接中", "Connecting");
    public static string Loading => Pick("正在加载数据…", "Loading…");
    public static string UpdatedAt => Pick("数据更新于", "Updated");
    public static string NoData => Pick("暂无数据", "No data");
    public static string TodayTotal => Pick("今日接种", "Doses today");
    public static string Last7Days => Pick("近7日", "Last 7 days");
    public static string Last30Days => Pick("近30日", "Last 30 days");
    public static string Cumulative => Pick("累计接种", "All time");
    public static string DosesUnit => Pick("剂次", "doses");
    public static string Trend => Pick("近30日接种趋势", "Daily doses, last 30 days");
    public static string ByDistrictToday => Pick("各区今日接种", "Doses today by district");
    public static string Ranking => Pick("各区接种率排名", "District ranking");
    public static string ByDoseNumber => Pick("剂次分布", "Doses by dose number");
    public static string ByBrand => Pick("品牌分布", "Doses by brand");
    public static string Targets => Pick("接种目标进度", "Target progress");
    public static string TopStreets => Pick("街镇接种率前十", "Top streets");
    public static string TopEmployers => Pick("单位接种排行", "Top employers");
    public static string WholeCity => Pick("全市", "Whole city");
    public static string Rank => Pick("排名", "#");
    public static string District => Pick("区", "District");
    public static string Street => Pick("街镇", "Street");
    public static string Employer => Pick("单位", "Employer");
    public static string Doses => Pick("剂次", "Doses");
    public static string Per10K => Pick("每万人", "Per 10k");
    public static string Per100Staff => Pick("每百人", "Per 100 staff");
    public static string Other => Pick("其他", "Other");

    public static string DoseLabel(int doseNumber) => Pick($"第{doseNumber}剂", $"Dose {doseNumber}");

    /// <summary>The Chinese name under zh, the English one otherwise (districts and streets have Chinese names only).</summary>
    public static string Name(string zh, string en) => Pick(zh, string.IsNullOrEmpty(en) ? zh : en);

    private static string Pick(string zh, string en) => PortalCultures.IsChinese(CultureInfo.CurrentUICulture) ? zh : en;
}
