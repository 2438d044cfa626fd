using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Auditing;
using Portal.Core.Identity;
using Portal.Data;
using Portal.Tests.TestSupport;
using static Portal.Tests.TestSupport.StaffSignInKit;

namespace Portal.Tests.Integration;

/// <summary>Server-side console sessions over real HTTP: the cookie is worthless after logout, after the idle timeout,
/// after its absolute lifetime and after a security-stamp change; PDA tokens stop with the stamp too.</summary>
public abstract class StaffSessionTests : PortalOnProvider
{
    [SkippableFact]
    public async Task A_cookie_kept_after_logout_no_longer_works()
    {
        SkipUnlessAvailable();
        using var browser = ConsoleSession.Open(Factory, "192.0.2.10");
        await browser.SignInAsync("clinic");
        var kept = browser.AuthCookieValue!;
        Assert.Equal(HttpStatusCode.OK, (await browser.GetPageAsync()).StatusCode);

        var logout = await browser.LogoutAsync();
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        var replay = await ReplayAsync(kept, "/injections");
        Assert.Equal(HttpStatusCode.Redirect, replay.StatusCode);
        Assert.StartsWith("/account/login", ConsoleSession.RedirectPath(replay)!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ReplayAsync(kept, "/exports/injections.xlsx")).StatusCode);

        var session = await Factory.WithDbAsync(db => db.StaffSessions.AsNoTracking().SingleAsync());
        Assert.Equal(SessionEndReason.SignedOut, session.EndReason);
        Assert.True(await Factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditActions.SignOut && e.UserName == "clinic")));
    }

    [SkippableFact]
    public async Task A_session_idle_longer_than_the_timeout_ends_and_is_audited()
    {
        SkipUnlessAvailable();
        using var browser = ConsoleSession.Open(Factory, "192.0.2.11");
        await browser.SignInAsync("clinic");
        await AgeSessionsAsync(Factory, "clinic", TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetPageAsync()).StatusCode);

        // That request moved LastSeenAt on (at most once a minute), so another 29 minutes are fine too ...
        await AgeSessionsAsync(Factory, "clinic", TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetPageAsync()).StatusCode);
        // ... but 31 minutes without activity are not.
        await AgeSessionsAsync(Factory, "clinic", TimeSpan.FromMinutes(31));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetPageAsync()).StatusCode);

        var session = await Factory.WithDbAsync(db => db.StaffSessions.AsNoTracking().SingleAsync());
        Assert.Equal(SessionEndReason.IdleTimeout, session.EndReason);
        Assert.True(await Factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditActions.SessionIdleTimeout && e.UserName == "clinic")));
    }

    [SkippableFact]
    public async Task The_security_administrators_idle_timeout_overrides_the_default()
    {
        SkipUnlessAvailable();
        var policy = Factory.Services.GetRequiredService<SecurityPolicyService>();
        var secadmin = await UserAsync(Factory, "secadmin");
        await policy.UpdateAsync(SecurityOptions.DefaultTwoFactorRoles, 5, new StaffScope(secadmin.Id, "secadmin", "安全管理员", [Roles.SecurityAdmin], DataScopeKind.City), "192.0.2.1");

        using var browser = ConsoleSession.Open(Factory, "192.0.2.12");
        await browser.SignInAsync("clinic");
        await AgeSessionsAsync(Factory, "clinic", TimeSpan.FromMinutes(6));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetPageAsync()).StatusCode);
    }

    [SkippableFact]
    public async Task A_session_ends_after_its_absolute_lifetime_however_busy()
    {
        SkipUnlessAvailable();
        using var browser = ConsoleSession.Open(Factory, "192.0.2.13");
        await browser.SignInAsync("clinic");
        await AgeSessionsAsync(Factory, "clinic", TimeSpan.Zero, age: TimeSpan.FromHours(12.5));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetPageAsync()).StatusCode);
        Assert.Equal(SessionEndReason.Expired, (await Factory.WithDbAsync(db => db.StaffSessions.AsNoTracking().SingleAsync())).EndReason);
    }

    [SkippableFact]
    public async Task Revoking_access_ends_the_console_cookie_and_the_pda_token()
    {
        SkipUnlessAvailable();
        using var browser = ConsoleSession.Open(Factory, "192.0.2.14");
        await browser.SignInAsync("doctor");
        var pda = await PdaClientAsync(Factory, "doctor");
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await pda.PostAsync("/api/v1/pda/scan", Json("{\"payload\":\"x\"}"))).StatusCode);

        using (var scope = Factory.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<StaffUser>>();
            var doctor = (await users.FindByNameAsync("doctor"))!;
            await scope.ServiceProvider.GetRequiredService<StaffAccessService>()
                .RevokeAsync(doctor, new StaffScope(null, "sysadmin", "系统管理员", [Roles.SystemAdmin], DataScopeKind.City), "role changed");
        }

        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetPageAsync()).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await pda.PostAsync("/api/v1/pda/scan", Json("{\"payload\":\"x\"}"))).StatusCode);
        Assert.Equal(SessionEndReason.AccountChanged, (await Factory.WithDbAsync(db => db.StaffSessions.AsNoTracking().SingleAsync())).EndReason);
        Assert.True(await Factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == AuditActions.AccessRevoked)));
    }

    [SkippableFact]
    public async Task A_disabled_account_loses_its_pda_token()
    {
        SkipUnlessAvailable();
        var pda = await PdaClientAsync(Factory, "doctor");
        await Factory.WithDbAsync(async db =>
        {
            (await db.Users.SingleAsync(u => u.UserName == "doctor")).IsActive = false;
            return await db.SaveChangesAsync();
        });
        Assert.Equal(HttpStatusCode.Unauthorized, (await pda.PostAsync("/api/v1/pda/scan", Json("{\"payload\":\"x\"}"))).StatusCode);
    }

    [SkippableFact]
    public async Task An_open_circuits_identity_is_revalidated_against_the_session()
    {
        SkipUnlessAvailable();
        using var browser = ConsoleSession.Open(Factory, "192.0.2.15");
        await browser.SignInAsync("clinic");
        // The principal a circuit would hold: the one the cookie gives (read back through the cookie handler).
        var principal = await CookiePrincipalAsync(browser.AuthCookieValue!);
        var provider = new ProbeProvider(Factory.Services);
        Assert.True(await provider.ValidateAsync(principal));

        await browser.LogoutAsync();
        Assert.False(await provider.ValidateAsync(principal));
    }

    private async Task<HttpResponseMessage> ReplayAsync(string cookie, string path)
    {
        using var client = Factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", $"{ConsoleSession.AuthCookie}={cookie}");
        return await client.SendAsync(request);
    }

    private async Task<System.Security.Claims.ClaimsPrincipal> CookiePrincipalAsync(string cookie)
    {
        var options = Factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>>()
            .Get(Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme);
        var ticket = options.TicketDataFormat.Unprotect(Uri.UnescapeDataString(cookie));
        Assert.NotNull(ticket);
        return ticket.Principal;
    }

    private static StringContent Json(string body) => new(body, new MediaTypeHeaderValue("application/json"));

    /// <summary>The app's revalidating provider with its check made callable.</summary>
    private sealed class ProbeProvider(IServiceProvider services) : Portal.Identity.StaffRevalidatingAuthenticationStateProvider(
        services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(),
        services.GetRequiredService<StaffSessionService>(),
        services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SecurityOptions>>())
    {
        public Task<bool> ValidateAsync(System.Security.Claims.ClaimsPrincipal user) =>
            ValidateAuthenticationStateAsync(new(user), CancellationToken.None);
    }
}

public sealed class StaffSessionTestsOnSqlite : StaffSessionTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class StaffSessionTestsOnPostgreSql : StaffSessionTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
