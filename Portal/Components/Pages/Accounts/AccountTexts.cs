using System.Globalization;
using Portal.Core.Common;
using Portal.Core.Identity;

namespace Portal.Components.Pages.Accounts;

/// <summary>The accounts page's own texts, Chinese and English, chosen by the current UI culture.</summary>
public static class AccountTexts
{
    public static string Title => T("账号管理", "Staff accounts");
    public static string Search => T("搜索", "Search");
    public static string SearchHint => T("按用户名或姓名查找", "Search by user name or display name");
    public static string UserName => T("用户名", "User name");
    public static string DisplayName => T("姓名", "Display name");
    public static string Roles => T("角色", "Roles");
    public static string Scope => T("数据范围", "Scope");
    public static string LockedOutUntil => T("锁定至", "Locked out until");
    public static string Active => T("状态", "Status");
    public static string Enabled => T("启用", "Active");
    public static string Disabled => T("停用", "Inactive");
    public static string NoRecords => T("没有符合条件的账号", "No accounts match");

    public static string RoleName(string role)
    {
        var (zh, en) = global::Portal.Core.Identity.Roles.DisplayName(role);
        return T(zh, en);
    }

    public static string ScopeText(StaffUser user, IReadOnlyDictionary<string, string> districts, IReadOnlyDictionary<long, string> sites) => user.ScopeKind switch
    {
        DataScopeKind.City => T("全市", "City-wide"),
        DataScopeKind.District => T("区：", "District: ") + Lookup(districts, user.ScopeDistrictCode),
        DataScopeKind.Site => T("接种点：", "Site: ") + (user.ScopeSiteId is { } s ? sites.GetValueOrDefault(s, s.ToString(CultureInfo.InvariantCulture)) : "—"),
        DataScopeKind.Employer => T("单位：", "Employer: ") + user.ScopeEmployerId?.ToString(CultureInfo.InvariantCulture),
        _ => user.ScopeKind.ToString(),
    };

    private static string Lookup(IReadOnlyDictionary<string, string> names, string? code) =>
        code is null ? "—" : names.GetValueOrDefault(code, code);

    private static string T(string zh, string en) => new Bilingual(zh, en).For(CultureInfo.CurrentUICulture);
}
