using Portal.Core.Common;

namespace Portal.Core.Identity;

/// <summary>How staff sign-in over the API (the PDA) answers, from <see cref="IdentityErrors"/>. A wrong name and a wrong password give the
/// same answer; anything about the account itself is said only to someone who gave its password.</summary>
public static class SignInProblems
{
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
