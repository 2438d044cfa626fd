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

    public static DomainProblemException BadCredentials() => IdentityErrors.BadCredentials.Exception();

    public static DomainProblemException Blocked(TimeSpan retryAfter)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalMinutes));
        return IdentityErrors.SignInBlocked.Exception(retryAfter: retryAfter, args: [minutes]);
    }

    public static DomainProblemException Disabled() => IdentityErrors.AccountDisabled.Exception();

    public static DomainProblemException Locked() => IdentityErrors.AccountLocked.Exception();

    public static DomainProblemException NotADoctor() => IdentityErrors.NotADoctor.Exception();

    public static DomainProblemException SecondFactorRequired() => IdentityErrors.SecondFactorRequired.Exception();

    public static DomainProblemException BadSecondFactor() => IdentityErrors.BadSecondFactor.Exception();

    public static DomainProblemException TwoFactorSetupRequired() => IdentityErrors.TwoFactorSetupRequired.Exception();

    /// <summary>The answer to a check that did not succeed.</summary>
    public static DomainProblemException For(SignInCheck check, bool secondFactor = false) => check.Verdict switch
    {
        SignInVerdict.Blocked => Blocked(check.RetryAfter),
        SignInVerdict.Disabled => Disabled(),
        SignInVerdict.Locked => Locked(),
        _ => secondFactor ? BadSecondFactor() : BadCredentials(),
    };
}
