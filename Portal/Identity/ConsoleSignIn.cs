using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Portal.Api;
using Portal.Components;
using Portal.Core.Auditing;
using Portal.Core.Identity;

namespace Portal.Identity;

public enum ConsoleSignInStep
{
    SignedIn,
    /// <summary>Password right, the account has an authenticator: ask for its code (or a recovery code).</summary>
    CodeRequired,
    /// <summary>Password right, the account's role needs a second factor it does not have yet: set one up first.</summary>
    EnrolmentRequired,
    WrongCredentials,
    Blocked,
    Disabled,
    Locked,
    /// <summary>The short-lived cookie between the password and the second factor is missing, expired or stale.</summary>
    Expired,
}

public sealed record ConsoleSignInResult(ConsoleSignInStep Step, TimeSpan RetryAfter = default)
{
    public int RetryAfterMinutes => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalMinutes));
}

/// <summary>Who is setting up an authenticator: someone between the password and the second factor
/// (<paramref name="SignedIn"/> false), or a signed-in staff member.</summary>
public sealed record EnrolmentSubject(StaffUser User, bool SignedIn);

/// <summary>The console's sign-in steps over <see cref="SignInGuard"/>: password, then (for accounts that have or need one)
/// the second factor, then a server-side session and the cookie. Until the second factor is proven the browser holds
/// only Identity's short two-factor cookie, which opens nothing but the code and enrolment pages.</summary>
public sealed class ConsoleSignIn(
    SignInGuard guard,
    SignInManager<StaffUser> signInManager,
    StaffSessionService sessions,
    SecurityPolicyService policy,
    AuditService audit,
    IUserStore<StaffUser> store)
{
    public const int RecoveryCodeCount = 10;
    private static string TwoFactorScheme => IdentityConstants.TwoFactorUserIdScheme;
    private UserManager<StaffUser> Users => signInManager.UserManager;

    public async Task<ConsoleSignInResult> PasswordAsync(HttpContext http, string? userName, string? password)
    {
        var check = await guard.CheckPasswordAsync(SignInChannel.Console, userName, password, http.ClientIp(), ct: http.RequestAborted);
        if (!check.Succeeded)
            return Refused(check);
        var user = check.User!;
        if (await HasAuthenticatorAsync(user))
        {
            await guard.DeferAsync(check, http.RequestAborted);
            await StartSecondFactorAsync(http, user, ConsoleSignInStep.CodeRequired);
            return new(ConsoleSignInStep.CodeRequired);
        }
        if ((await policy.GetAsync(http.RequestAborted)).RequiresTwoFactor(await Users.GetRolesAsync(user)))
        {
            await guard.DeferAsync(check, http.RequestAborted);
            await StartSecondFactorAsync(http, user, ConsoleSignInStep.EnrolmentRequired);
            return new(ConsoleSignInStep.EnrolmentRequired);
        }
        await CompleteAsync(http, check, StaffClaimTypes.PasswordOnly, "password");
        return new(ConsoleSignInStep.SignedIn);
    }

    /// <summary>The code step. A 6-digit code is the authenticator's; anything else is taken for a recovery code.</summary>
    public async Task<ConsoleSignInResult> SecondFactorAsync(HttpContext http, string? code)
    {
        if (await PendingAsync(http, ConsoleSignInStep.CodeRequired) is not { } user)
            return new(ConsoleSignInStep.Expired);
        var recovery = !IsAuthenticatorCode(code);
        var check = await guard.CheckSecondFactorAsync(user, SignInChannel.Console, code, recovery, http.ClientIp(), ct: http.RequestAborted);
        if (!check.Succeeded)
            return Refused(check);
        await CompleteAsync(http, check, StaffClaimTypes.MultiFactor, recovery ? "password and recovery code" : "password and authenticator code");
        return new(ConsoleSignInStep.SignedIn);
    }

    /// <summary>True while the browser holds a two-factor cookie for <paramref name="step"/> (the code page's GET).</summary>
    public async Task<bool> IsPendingAsync(HttpContext http, ConsoleSignInStep step) => await PendingAsync(http, step) is not null;

    /// <summary>The account the enrolment page is for, or null (then it sends the visitor to the login page).</summary>
    public async Task<EnrolmentSubject?> EnrolmentSubjectAsync(HttpContext http)
    {
        if (await PendingAsync(http, ConsoleSignInStep.EnrolmentRequired) is { } pending)
            return new(pending, SignedIn: false);
        return http.User.Identity?.IsAuthenticated == true && await Users.GetUserAsync(http.User) is { } user
            ? new(user, SignedIn: true)
            : null;
    }

    /// <summary>The authenticator key to show while a second factor is being set up; made on first use. Never for an
    /// account whose second factor is already on (its key is a secret: see <see cref="ResetAuthenticatorAsync"/>).</summary>
    public async Task<string> AuthenticatorKeyAsync(StaffUser user)
    {
        if (user.TwoFactorEnabled)
            throw new InvalidOperationException("The second factor is already set up; reset it first.");
        var key = await Users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            // Not ResetAuthenticatorKeyAsync: it also renews the security stamp, which would end every session of a
            // signed-in visitor on a mere GET of the enrolment page (a link elsewhere could sign staff out). A first key
            // replaces nothing, so nothing needs revoking; replacing a key does (ResetAuthenticatorAsync).
            key = Users.GenerateNewAuthenticatorKey();
            await ((IUserAuthenticatorKeyStore<StaffUser>)store).SetAuthenticatorKeyAsync(user, key, CancellationToken.None);
            Check(await Users.UpdateAsync(user));
        }
        return key;
    }

    public Task<int> RecoveryCodesLeftAsync(StaffUser user) => Users.CountRecoveryCodesAsync(user);

    /// <summary>A signed-in staff member replaces their authenticator: the old one stops working and the second factor is
    /// off until the new one is confirmed. The new security stamp ends their other sessions; this one is re-issued.</summary>
    public async Task ResetAuthenticatorAsync(HttpContext http, StaffUser user)
    {
        Check(await Users.SetTwoFactorEnabledAsync(user, false));
        Check(await Users.ResetAuthenticatorKeyAsync(user));
        await audit.WriteAsync(StaffScope.From(http.User), AuditActions.TwoFactorReset, nameof(SignInChannel.Console), null,
            "authenticator replaced; second factor off until the new one is confirmed", http.ClientIp(), http.RequestAborted);
        await ReissueCookieAsync(http, user);
    }

    /// <summary>Confirms the authenticator with one of its codes, turns the second factor on and returns new recovery codes
    /// (shown once). Someone between password and second factor is then signed in.</summary>
    public async Task<(ConsoleSignInResult Result, IReadOnlyList<string> RecoveryCodes)> ConfirmEnrolmentAsync(HttpContext http, EnrolmentSubject subject, string? code)
    {
        var user = subject.User;
        var check = await guard.CheckSecondFactorAsync(user, SignInChannel.Console, code, recovery: false, http.ClientIp(), ct: http.RequestAborted);
        if (!check.Succeeded)
            return (Refused(check), []);
        Check(await Users.SetTwoFactorEnabledAsync(user, true));
        var codes = (await Users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))?.ToList() ?? [];
        await guard.AuditAsync(user, check.Attempt, AuditActions.TwoFactorEnabled, "authenticator app confirmed, new recovery codes", http.RequestAborted);
        if (subject.SignedIn)
        {
            await guard.DeferAsync(check, http.RequestAborted);
            await ReissueCookieAsync(http, user);
        }
        else
        {
            await CompleteAsync(http, check, StaffClaimTypes.MultiFactor, "password and new authenticator");
        }
        return (new(ConsoleSignInStep.SignedIn), codes);
    }

    /// <summary>The logout endpoint: ends the server-side session (so the cookie is worthless even if kept) and signs out.</summary>
    public async Task SignOutAsync(HttpContext http)
    {
        if (http.User.FindFirst(StaffClaimTypes.SessionId)?.Value is { } sid
            && await sessions.EndAsync(sid, SessionEndReason.SignedOut, http.RequestAborted))
        {
            await audit.WriteAsync(StaffScope.From(http.User), AuditActions.SignOut, nameof(SignInChannel.Console), null, "", http.ClientIp(), http.RequestAborted);
        }
        await signInManager.SignOutAsync();
    }

    private static bool IsAuthenticatorCode(string? code)
    {
        var digits = (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return digits.Length == 6 && digits.All(char.IsAsciiDigit);
    }

    private async Task<bool> HasAuthenticatorAsync(StaffUser user) =>
        user.TwoFactorEnabled && !string.IsNullOrEmpty(await Users.GetAuthenticatorKeyAsync(user));

    private static ConsoleSignInResult Refused(SignInCheck check) => check.Verdict switch
    {
        SignInVerdict.Blocked => new(ConsoleSignInStep.Blocked, check.RetryAfter),
        SignInVerdict.Disabled => new(ConsoleSignInStep.Disabled),
        SignInVerdict.Locked => new(ConsoleSignInStep.Locked),
        _ => new(ConsoleSignInStep.WrongCredentials),
    };

    private async Task StartSecondFactorAsync(HttpContext http, StaffUser user, ConsoleSignInStep step)
    {
        var identity = new ClaimsIdentity(TwoFactorScheme);
        identity.AddClaim(new Claim(ClaimTypes.Name, user.Id));
        identity.AddClaim(new Claim(StaffClaimTypes.TwoFactorStep, step.ToString()));
        identity.AddClaim(new Claim(Users.Options.ClaimsIdentity.SecurityStampClaimType, await Users.GetSecurityStampAsync(user)));
        await http.SignInAsync(TwoFactorScheme, new ClaimsPrincipal(identity));
    }

    /// <summary>The account between password and second factor, if the two-factor cookie is for <paramref name="step"/>
    /// and the account has not changed (stamp, disabled) since the password was checked.</summary>
    private async Task<StaffUser?> PendingAsync(HttpContext http, ConsoleSignInStep step)
    {
        var result = await http.AuthenticateAsync(TwoFactorScheme);
        var principal = result.Principal;
        if (principal?.FindFirst(StaffClaimTypes.TwoFactorStep)?.Value != step.ToString()
            || principal.FindFirst(ClaimTypes.Name)?.Value is not { } userId
            || await Users.FindByIdAsync(userId) is not { IsActive: true } user
            || principal.FindFirst(Users.Options.ClaimsIdentity.SecurityStampClaimType)?.Value != await Users.GetSecurityStampAsync(user))
            return null;
        return user;
    }

    private async Task CompleteAsync(HttpContext http, SignInCheck check, string method, string detail)
    {
        var user = check.User!;
        // Signing in over an open session (another account, say) ends that one.
        if (http.User.FindFirst(StaffClaimTypes.SessionId)?.Value is { } previous)
            await sessions.EndAsync(previous, SessionEndReason.SignedOut, http.RequestAborted);
        var sid = await sessions.StartAsync(user, http.ClientIp(), http.Request.Headers.UserAgent.ToString(), http.RequestAborted);
        await signInManager.SignInWithClaimsAsync(user, isPersistent: false,
            [new Claim(StaffClaimTypes.SessionId, sid), new Claim(StaffClaimTypes.AuthenticationMethod, method)]);
        await http.SignOutAsync(TwoFactorScheme);
        await guard.SucceedAsync(check, detail, http.RequestAborted);
        await ConsoleUiExtensions.ApplyPreferredCultureAsync(http, user, Users);
    }

    /// <summary>After the account's own security stamp changed (second factor on or reset): the same session, a new cookie.</summary>
    private async Task ReissueCookieAsync(HttpContext http, StaffUser user)
    {
        var claims = http.User.Claims.Where(c => c.Type is StaffClaimTypes.SessionId or StaffClaimTypes.AuthenticationMethod).ToList();
        await signInManager.SignInWithClaimsAsync(user, isPersistent: false, claims.Select(c => new Claim(c.Type, c.Value)));
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
