using Portal.Core.Common;

namespace Portal.Core.Identity;

/// <summary>Every error of identity: a stable code, its status and its message in Chinese and English
/// (placeholders {0}, {1} are filled by the caller). The API answers each as ProblemDetails through one writer.</summary>
public static class IdentityErrors
{
    public static readonly DomainError AccountDisabled = new("account_disabled", ProblemKind.Forbidden, "该账号已停用，请联系系统管理员", "This account is disabled: contact your system administrator");

    public static readonly DomainError AccountLocked = new("account_locked", ProblemKind.Forbidden, "该账号已被管理员锁定，请联系系统管理员", "This account is locked by an administrator: contact your system administrator");

    public static readonly DomainError BadCredentials = new("bad_credentials", ProblemKind.Unauthorized, "用户名或密码错误", "Wrong user name or password");

    public static readonly DomainError BadSecondFactor = new("bad_second_factor", ProblemKind.Unauthorized, "验证码错误", "Wrong code");

    public static readonly DomainError NotADoctor = new("not_a_doctor", ProblemKind.Forbidden, "仅限接种点医生使用PDA", "Only doctors of a vaccination site may use the PDA");

    public static readonly DomainError SecondFactorRequired = new("second_factor_required", ProblemKind.Unauthorized, "请输入身份验证器中的6位验证码", "Enter the 6-digit code from your authenticator app");

    public static readonly DomainError SignInBlocked = new("sign_in_blocked", ProblemKind.TooManyRequests, "登录失败次数过多，请 {0} 分钟后再试", "Too many failed sign-ins from here: try again in {0} minutes");

    public static readonly DomainError TwoFactorSetupRequired = new("two_factor_setup_required", ProblemKind.Forbidden, "该账号须启用双因素认证：请先在管理后台登录并设置身份验证器", "This account needs a second factor: sign in to the console once to set up an authenticator");
}
