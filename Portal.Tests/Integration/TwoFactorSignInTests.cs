using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Auditing;
using Portal.Core.Identity;
using Portal.Tests.TestSupport;
using static Portal.Tests.TestSupport.StaffSignInKit;

namespace Portal.Tests.Integration;

/// <summary>The second factor over real HTTP: the roles that need one get no console cookie for the password alone;
/// the authenticator code or a recovery code (once) completes the sign-in; an account without an authenticator sets
/// one up before it gets in; the security administrator decides which roles need it.</summary>
public sealed class TwoFactorSignInTests : IAsyncLifetime
{
    private PortalFactory factory = null!;

    public Task InitializeAsync()
    {
        factory = PortalFactory.Sqlite();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task A_city_admin_gets_no_console_cookie_for_the_password_alone()
    {
        using var browser = ConsoleSession.Open(factory, "192.0.2.20");
        var password = await browser.PasswordAsync("cdc");

        Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
        Assert.StartsWith("/account/login/code", ConsoleSession.RedirectPath(password)!);
        Assert.Null(browser.AuthCookieValue);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetPageAsync()).StatusCode);
        Assert.Empty(await factory.WithDbAsync(db => db.StaffSessions.ToListAsync()));
    }

    [Fact]
    public async Task The_authenticator_code_completes_the_sign_in_and_a_wrong_one_is_audited()
    {
        using var browser = ConsoleSession.Open(factory, "192.0.2.21");
        await browser.PasswordAsync("cdc");
        var wrong = await browser.CodeAsync(OtherCode(Totp.Code(Totp.DemoKey)));
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("验证码错误", await wrong.Content.ReadAsStringAsync());
        Assert.Null(browser.AuthCookieValue);

        var right = await browser.CodeAsync(Totp.Code(Totp.DemoKey));
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal("/", ConsoleSession.RedirectPath(right)!);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetPageAsync()).StatusCode);

        var actions = await factory.WithDbAsync(db => db.AuditEntries.Where(e => e.UserName == "cdc").Select(e => new { e.Action, e.Detail }).ToListAsync());
        Assert.Contains(actions, a => a.Action == AuditActions.SecondFactorFailed);
        Assert.Contains(actions, a => a.Action == AuditActions.SignIn && a.Detail.Contains("authenticator"));
    }

    [Fact]
    public async Task Wrong_codes_are_throttled_like_passwords()
    {
        using var browser = ConsoleSession.Open(factory, "192.0.2.22");
        await browser.PasswordAsync("cdc");
        for (var i = 0; i < 5; i++)
            await browser.CodeAsync(OtherCode(Totp.Code(Totp.DemoKey)));
        var blocked = await browser.CodeAsync(Totp.Code(Totp.DemoKey));
        Assert.Contains("登录失败次数过多", await blocked.Content.ReadAsStringAsync());
        Assert.Null(browser.AuthCookieValue);
    }

    [Fact]
    public async Task A_recovery_code_signs_in_once()
    {
        var codes = await WithUsersAsync(factory, async users =>
            (await users.GenerateNewTwoFactorRecoveryCodesAsync((await users.FindByNameAsync("pudong"))!, 10))!.ToList());
        using (var first = ConsoleSession.Open(factory, "192.0.2.23"))
        {
            await first.PasswordAsync("pudong");
            var used = await first.CodeAsync(codes[0].ToLowerInvariant());
            Assert.Equal(HttpStatusCode.Redirect, used.StatusCode);
            Assert.NotNull(first.AuthCookieValue);
        }
        using var second = ConsoleSession.Open(factory, "192.0.2.24");
        await second.PasswordAsync("pudong");
        var again = await second.CodeAsync(codes[0]);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Null(second.AuthCookieValue);
        Assert.Equal(9, await WithUsersAsync(factory, async users => await users.CountRecoveryCodesAsync((await users.FindByNameAsync("pudong"))!)));
    }

    [Fact]
    public async Task An_admin_without_an_authenticator_sets_one_up_before_getting_in()
    {
        await WithUsersAsync(factory, async users =>
        {
            var pudong = (await users.FindByNameAsync("pudong"))!;
            await users.SetTwoFactorEnabledAsync(pudong, false);
            return await users.ResetAuthenticatorKeyAsync(pudong);
        });
        using var browser = ConsoleSession.Open(factory, "192.0.2.25");
        var password = await browser.PasswordAsync("pudong");
        Assert.StartsWith("/account/two-factor", ConsoleSession.RedirectPath(password)!);
        Assert.Null(browser.AuthCookieValue);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetPageAsync()).StatusCode);
        // The code step is not open to an account that has no authenticator yet.
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Client.GetAsync("/account/login/code")).StatusCode);

        var page = await browser.Client.GetStringAsync("/account/two-factor");
        Assert.Contains("data-two-factor-required", page);
        Assert.Contains("data:image/png;base64,", page);
        var key = Regex.Match(page, "data-key=\"([A-Z2-7]+)\"").Groups[1].Value;
        Assert.NotEmpty(key);

        var confirmed = await browser.PostFormAsync("/account/two-factor", "two-factor-verify", new() { ["Input.Code"] = Totp.Code(key) });
        var html = await confirmed.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal(Portal.Identity.ConsoleSignIn.RecoveryCodeCount, Regex.Matches(html, @"<li><code>[A-Z0-9]{5}-[A-Z0-9]{5}</code></li>").Count);
        Assert.NotNull(browser.AuthCookieValue);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetPageAsync("/")).StatusCode);
        Assert.True((await UserAsync(factory, "pudong")).TwoFactorEnabled);
        Assert.True(await factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditActions.TwoFactorEnabled && e.UserName == "pudong")));

        // The key is not shown again once the second factor is on.
        Assert.DoesNotContain("data-key", await browser.Client.GetStringAsync("/account/two-factor"));
    }

    [Fact]
    public async Task The_security_administrator_decides_which_roles_need_a_second_factor()
    {
        using (var before = ConsoleSession.Open(factory, "192.0.2.26"))
            await before.SignInAsync("clinic");

        var policy = factory.Services.GetRequiredService<SecurityPolicyService>();
        var secadmin = await UserAsync(factory, "secadmin");
        await policy.UpdateAsync([.. SecurityOptions.DefaultTwoFactorRoles, Roles.SiteAdmin], 30,
            new StaffScope(secadmin.Id, "secadmin", "安全管理员", [Roles.SecurityAdmin], DataScopeKind.City), "192.0.2.2");

        using var after = ConsoleSession.Open(factory, "192.0.2.27");
        var password = await after.PasswordAsync("clinic");
        Assert.StartsWith("/account/two-factor", ConsoleSession.RedirectPath(password)!);
        Assert.Null(after.AuthCookieValue);

        var audit = await factory.WithDbAsync(db => db.AuditEntries.SingleAsync(e => e.Action == AuditActions.SecurityPolicyChanged));
        Assert.Equal(("secadmin", secadmin.Id), (audit.UserName, audit.UserId));
        Assert.Contains("[CityAdmin,DistrictAdmin,SystemAdmin,SecurityAdmin,AuditAdmin], idle timeout 30 min -> two-factor roles [CityAdmin,DistrictAdmin,SiteAdmin,", audit.Detail);

        // The PDA applies it too: a site admin without an authenticator must set one up first.
        var pda = await PdaLoginAsync(factory, "192.0.2.28", "clinic", ConsoleSession.Password);
        Assert.Equal(HttpStatusCode.Forbidden, pda.StatusCode);
        Assert.Equal(IdentityErrors.TwoFactorSetupRequired.Code, await ProblemCodeAsync(pda));
    }

    [Fact]
    public async Task A_pda_account_with_an_authenticator_sends_its_code()
    {
        await WithUsersAsync(factory, async users =>
        {
            var doctor = (await users.FindByNameAsync("doctor"))!;
            await users.ResetAuthenticatorKeyAsync(doctor);
            return await users.SetTwoFactorEnabledAsync(doctor, true);
        });
        var key = await WithUsersAsync(factory, async users => (await users.GetAuthenticatorKeyAsync((await users.FindByNameAsync("doctor"))!))!);

        var without = await PdaLoginAsync(factory, "192.0.2.29", "doctor", ConsoleSession.Password);
        Assert.Equal(IdentityErrors.SecondFactorRequired.Code, await ProblemCodeAsync(without));
        var wrong = await PdaLoginAsync(factory, "192.0.2.29", "doctor", ConsoleSession.Password, code: OtherCode(Totp.Code(key)));
        Assert.Equal(IdentityErrors.BadSecondFactor.Code, await ProblemCodeAsync(wrong));
        Assert.Equal(HttpStatusCode.OK, (await PdaLoginAsync(factory, "192.0.2.29", "doctor", ConsoleSession.Password, code: Totp.Code(key))).StatusCode);
    }

    [Fact]
    public async Task Demo_accounts_without_a_second_factor_sign_in_with_the_password_alone()
    {
        foreach (var name in new[] { "clinic", "doctor", "employer" })
        {
            using var browser = ConsoleSession.Open(factory, "192.0.2.30");
            var response = await browser.PasswordAsync(name);
            Assert.Equal("/", ConsoleSession.RedirectPath(response)!);
            Assert.NotNull(browser.AuthCookieValue);
        }
    }

    /// <summary>A 6-digit code that is not the current one (nor, with overwhelming likelihood, one of the window's others).</summary>
    private static string OtherCode(string code) => ((int.Parse(code) + 500_000) % 1_000_000).ToString("D6");
}

/// <summary>Outside Development: every cookie is Secure, and no demo account has the demo authenticator (cdc must set up
/// its own).</summary>
public sealed class ProductionCookieTests : IAsyncLifetime
{
    private PortalFactory factory = null!;

    public Task InitializeAsync()
    {
        static string Key() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        factory = PortalFactory.Sqlite(new Dictionary<string, string?>
        {
            ["PersonalData:ActiveKeyVersion"] = "1",
            ["PersonalData:Keys:1"] = Key(),
            ["PersonalData:HashKey"] = Key(),
            ["Tokens:SigningKey"] = Key(),
        });
        factory.EnvironmentName = "Production";
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task Cookies_are_secure_and_the_demo_secret_is_not_seeded()
    {
        using var browser = ConsoleSession.Open(factory, "192.0.2.40", https: true);
        var login = await browser.Client.GetAsync("/account/login");
        var antiforgery = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.Contains(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);

        var signedIn = await browser.PasswordAsync("clinic");
        var auth = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith(ConsoleSession.AuthCookie + "=", StringComparison.Ordinal));
        Assert.Contains("secure", auth, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", auth, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", auth, StringComparison.OrdinalIgnoreCase);

        // Secure whatever the request's scheme (SameAsRequest would pass the https checks above as well).
        var cookieOptions = factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>>();
        foreach (var scheme in new[] { IdentityConstants.ApplicationScheme, IdentityConstants.TwoFactorUserIdScheme })
            Assert.Equal(Microsoft.AspNetCore.Http.CookieSecurePolicy.Always, cookieOptions.Get(scheme).Cookie.SecurePolicy);
        Assert.Equal(Microsoft.AspNetCore.Http.CookieSecurePolicy.Always, factory.Services
            .GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>>().Value.Cookie.SecurePolicy);

        using var cdc = ConsoleSession.Open(factory, "192.0.2.41", https: true);
        Assert.StartsWith("/account/two-factor", ConsoleSession.RedirectPath(await cdc.PasswordAsync("cdc"))!);
        Assert.False((await UserAsync(factory, "cdc")).TwoFactorEnabled);
    }
}
