using Portal.Core.Common;

namespace Portal.Core.Identity;

/// <summary>Error codes and messages of staff sign-in over the API (the PDA). A wrong name and a wrong password give the
/// same answer; anything about the account itself is said only to someone who gave its password.</summary>
public static class SignInProblems
{
    public const string BadCredentialsCode = "bad_credentials";
    public const string BlockedCode = "sign_in_blocked";
    public const string DisabledCode = "account_disabled";
    public const string LockedCode = "account_locked";
    public const string NotADoctorCode = "not_a_doctor";
    public const string SecondFactorRequiredCode = "second_factor_required";
    public const string BadSecondFactorCode = "bad_second_factor";
    public const string TwoFactorSetupRequiredCode = "two_factor_setup_required";

    public static DomainProblemException BadCredentials() => new(ProblemKind.Unauthorized, BadCredentialsCode,
        new("用户名或密码错误", "Wrong user name or password"));

    public static DomainProblemException Blocked(TimeSpan retryAfter)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalMinutes));
        return new(ProblemKind.TooManyRequests, BlockedCode,
            new($"登录失败次数过多，请 {minutes} 分钟后再试", $"Too many failed sign-ins from here: try again in {minutes} minutes"), retryAfter);
    }

    public static DomainProblemException Disabled() => new(ProblemKind.Forbidden, DisabledCode,
        new("该账号已停用，请联系系统管理员", "This account is disabled: contact your system administrator"));

    public static DomainProblemException Locked() => new(ProblemKind.Forbidden, LockedCode,
        new("该账号已被管理员锁定，请联系系统管理员", "This account is locked by an administrator: contact your system administrator"));

    public static DomainProblemException NotADoctor() => new(ProblemKind.Forbidden, NotADoctorCode,
        new("仅限接种点医生使用PDA", "Only doctors of a vaccination site may use the PDA"));

    public static DomainProblemException SecondFactorRequired() => new(ProblemKind.Unauthorized, SecondFactorRequiredCode,
        new("请输入身份验证器中的6位验证码", "Enter the 6-digit code from your authenticator app"));

    public static DomainProblemException BadSecondFactor() => new(ProblemKind.Unauthorized, BadSecondFactorCode,
        new("验证码错误", "Wrong code"));

    public static DomainProblemException TwoFactorSetupRequired() => new(ProblemKind.Forbidden, TwoFactorSetupRequiredCode,
        new("该账号须启用双因素认证：请先在管理后台登录并设置身份验证器", "This account needs a second factor: sign in to the console once to set up an authenticator"));

    /// <summary>The answer to a check that did not succeed.</summary>
    public static DomainProblemException For(SignInCheck check, bool secondFactor = false) => check.Verdict switch
    {
        SignInVerdict.Blocked => Blocked(check.RetryAfter),
        SignInVerdict.Disabled => Disabled(),
        SignInVerdict.Locked => Locked(),
        _ => secondFactor ? BadSecondFactor() : BadCredentials(),
    };
}
