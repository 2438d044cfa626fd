using System.Globalization;
using Portal.Core.Common;
using Portal.Core.Identity;

namespace Portal.Components.Pages.Security;

/// <summary>The security policy page's own texts, Chinese and English, chosen by the current UI culture.</summary>
public static class SecurityTexts
{
    public static string Title => T("安全策略", "Security policy");
    public static string TwoFactorHeading => T("须使用双因素认证的角色", "Roles that sign in with a second factor");
    public static string TwoFactorHelp => T(
        "勾选的角色在输入密码后还须输入身份验证器中的验证码；尚未设置的账号下次登录时须先设置。",
        "Accounts in the ticked roles enter a code from their authenticator app after the password; those without one set it up at their next sign-in.");
    public static string IdleHeading => T("会话空闲超时", "Session idle timeout");
    public static string IdleLabel => T("空闲超时（分钟）", "Idle timeout (minutes)");
    public static string IdleHelp(int min, int max) => T(
        $"管理后台无操作超过此时长即自动退出（{min}–{max} 分钟）。", $"A console session with no activity for this long is signed out ({min}–{max} minutes).");
    public static string Save => T("保存", "Save");
    public static string Saved => T("安全策略已保存，并已记入审计日志。", "The security policy is saved and recorded in the audit log.");
    public static string FromConfiguration => T("当前为配置文件中的默认值，尚未保存过。", "These are the configuration defaults; nothing has been saved yet.");

    public static string RoleName(string role)
    {
        var (zh, en) = Roles.DisplayName(role);
        return T(zh, en);
    }

    private static string T(string zh, string en) => new Bilingual(zh, en).For(CultureInfo.CurrentUICulture);
}
