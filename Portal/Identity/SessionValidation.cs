using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Portal.Api;
using Portal.Core.Identity;

namespace Portal.Identity;

/// <summary>The console cookie's check on every request: its server-side session must still stand (not signed out,
/// idle or expired) and the account's security stamp must be the one the cookie was issued with. Replaces Identity's
/// interval-based SecurityStampValidator with one query that covers both.</summary>
public static class StaffCookieValidation
{
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal is null) return;
        var sessions = context.HttpContext.RequestServices.GetRequiredService<StaffSessionService>();
        var check = await sessions.CheckAsync(context.Principal, touch: true, context.HttpContext.ClientIp(), context.HttpContext.RequestAborted);
        if (check == SessionCheck.Valid) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
    }
}

/// <summary>An open Blazor circuit keeps the principal it started with; every <see cref="SecurityOptions.RevalidationSeconds"/>
/// this applies the cookie's session check to it, so that logout, idle timeout, a disabled account or a changed role
/// (new security stamp) takes the circuit's identity away too. Not sealed: tests call its check directly.</summary>
public class StaffRevalidatingAuthenticationStateProvider(
    ILoggerFactory loggers,
    StaffSessionService sessions,
    IOptions<SecurityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(Math.Max(1, options.Value.RevalidationSeconds));

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        authenticationState.User.Identity?.IsAuthenticated != true
        || await sessions.CheckAsync(authenticationState.User, touch: false, ct: cancellationToken) == SessionCheck.Valid;
}

/// <summary>Work inside a circuit sends no HTTP requests, so the cookie check never sees it: this keeps the session's
/// LastSeenAt fresh while the user clicks and types (at most one write a minute). A page that re-renders on its own
/// (the big screen) also counts, through the browser's render acknowledgements.</summary>
public sealed class StaffCircuitActivity(AuthenticationStateProvider authentication, StaffSessionService sessions, TimeProvider clock,
    ILogger<StaffCircuitActivity> logger) : CircuitHandler
{
    private DateTimeOffset lastTouch = DateTimeOffset.MinValue;

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            var now = clock.GetUtcNow();
            if (now - lastTouch >= StaffSessionService.TouchInterval)
            {
                lastTouch = now;
                try
                {
                    var state = await authentication.GetAuthenticationStateAsync();
                    if (state.User.FindFirst(StaffClaimTypes.SessionId)?.Value is { } sid)
                        await sessions.TouchAsync(sid);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Never break the user's circuit over bookkeeping; the next activity tries again.
                    logger.LogWarning(e, "Could not record circuit activity");
                    lastTouch = DateTimeOffset.MinValue;
                }
            }
            await next(context);
        };
}

/// <summary>PDA tokens carry a hash of the account's security stamp; each PDA request checks it and the account's state,
/// so a disabled account, a role change or a password reset stops its handhelds at once (one indexed read per request).</summary>
public static class PdaTokenValidation
{
    /// <summary>The stamp is the key of Identity's e-mail and phone codes, so the readable token carries only a hash of it.</summary>
    public static string StampHash(string? securityStamp) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("blazorvax-pda-stamp:" + securityStamp)).AsSpan(0, 16));

    public static async Task OnTokenValidatedAsync(TokenValidatedContext context)
    {
        var principal = context.Principal;
        if (principal?.FindFirst(TokenClaims.Kind)?.Value != TokenClaims.PdaKind) return;
        var userId = principal.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        var stamp = principal.FindFirst(StaffClaimTypes.StampHash)?.Value;
        var db = await context.HttpContext.RequestServices.GetRequiredService<IDbContextFactory<DbContext>>()
            .CreateDbContextAsync(context.HttpContext.RequestAborted);
        await using (db)
        {
            var account = userId is null ? null : await db.Set<StaffUser>().AsNoTracking().Where(u => u.Id == userId)
                .Select(u => new { u.SecurityStamp, u.IsActive, u.LockoutEnd }).FirstOrDefaultAsync(context.HttpContext.RequestAborted);
            var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            if (account is null || !account.IsActive || account.LockoutEnd > now || stamp != StampHash(account.SecurityStamp))
                context.Fail("The account has changed since this PDA token was issued.");
        }
    }
}
