using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Auditing;

namespace Portal.Core.Identity;

public enum SessionCheck
{
    Valid,
    /// <summary>No session claim, or no such session for this account.</summary>
    Missing,
    /// <summary>Signed out, or ended before (idle, expired, account changed).</summary>
    Ended,
    IdleTimeout,
    Expired,
    /// <summary>Security stamp changed (roles, scope, password, second factor), account disabled or locked.</summary>
    AccountChanged,
}

/// <summary>Server-side console sessions (<see cref="StaffSession"/>): the cookie names one by its "sid" claim and is
/// worth nothing once the session has ended, gone idle, outlived its absolute lifetime or the account's security stamp
/// changed. Checked on every cookie request and, for open Blazor circuits, by the revalidating authentication state.</summary>
public sealed class StaffSessionService(
    IDbContextFactory<DbContext> contexts,
    SecurityPolicyService policy,
    IOptions<SecurityOptions> options,
    IOptions<IdentityOptions> identity,
    TimeProvider clock)
{
    /// <summary>LastSeenAt is written at most this often, so a busy session costs one write a minute.</summary>
    public static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    private TimeSpan AbsoluteLifetime => TimeSpan.FromHours(Math.Max(1, options.Value.AbsoluteSessionHours));

    public async Task<string> StartAsync(StaffUser user, string? ip, string? userAgent, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = clock.GetUtcNow();
        var session = new StaffSession
        {
            Id = RandomNumberGenerator.GetHexString(StaffSession.IdLength, lowercase: true),
            UserId = user.Id, CreatedAt = now, LastSeenAt = now,
            Ip = Cut(ip, 64), UserAgent = Cut(userAgent, StaffSession.UserAgentLength),
        };
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Add(session);
        await db.SaveChangesAsync(ct);
        return session.Id;
    }

    /// <summary>Whether <paramref name="principal"/>'s session still stands. An idle, expired or changed session is ended
    /// (and audited) the first time it is seen so; with <paramref name="touch"/> a valid one's LastSeenAt moves on.</summary>
    public async Task<SessionCheck> CheckAsync(ClaimsPrincipal principal, bool touch, string? ip = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var sid = principal.FindFirst(StaffClaimTypes.SessionId)?.Value;
        var userId = principal.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        var stamp = principal.FindFirst(identity.Value.ClaimsIdentity.SecurityStampClaimType)?.Value;
        if (sid is null || userId is null)
            return SessionCheck.Missing;

        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Set<StaffSession>().AsNoTracking()
            .Where(s => s.Id == sid && s.UserId == userId)
            .Join(db.Set<StaffUser>(), s => s.UserId, u => u.Id, (s, u) => new
            {
                s.CreatedAt, s.LastSeenAt, s.EndedAt, u.SecurityStamp, u.IsActive, u.LockoutEnd,
            })
            .FirstOrDefaultAsync(ct);
        if (row is null)
            return SessionCheck.Missing;
        if (row.EndedAt is not null)
            return SessionCheck.Ended;

        var now = clock.GetUtcNow();
        var idle = (await policy.GetAsync(ct)).IdleTimeout;
        // A cookie with an old stamp is refused but does not end its session: the account's own change (second factor
        // turned on) re-issues this session's cookie with the new stamp, and a tab still holding the old one must not
        // end it. Revocation ends the sessions itself (StaffAccessService).
        if (row.SecurityStamp != stamp)
            return SessionCheck.AccountChanged;
        var (check, reason, action) =
            !row.IsActive || row.LockoutEnd > now ? (SessionCheck.AccountChanged, SessionEndReason.AccountChanged, (string?)null)
            : now - row.CreatedAt > AbsoluteLifetime ? (SessionCheck.Expired, SessionEndReason.Expired, AuditActions.SessionExpired)
            : now - row.LastSeenAt > idle ? (SessionCheck.IdleTimeout, SessionEndReason.IdleTimeout, AuditActions.SessionIdleTimeout)
            : (SessionCheck.Valid, default, null);
        if (check != SessionCheck.Valid)
        {
            // The account change itself is audited where it happens (AccessRevoked); idle and expiry only here.
            if (await EndAsync(db, sid, reason, ct) && action is not null)
            {
                db.Add(AuditService.Entry(StaffScope.From(principal), action, nameof(StaffSession), null,
                    $"last activity {row.LastSeenAt:u}", ip, now));
                await db.SaveChangesAsync(ct);
            }
            return check;
        }

        if (touch && now - row.LastSeenAt >= TouchInterval)
            await db.Set<StaffSession>().Where(s => s.Id == sid && s.EndedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), ct);
        return SessionCheck.Valid;
    }

    /// <summary>Activity in an open circuit (which sends no HTTP requests): moves LastSeenAt on, at most once a
    /// <see cref="TouchInterval"/>, and never revives a session that has already gone idle or ended.</summary>
    public async Task TouchAsync(string sessionId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var idleSince = now - (await policy.GetAsync(ct)).IdleTimeout;
        var touchedBefore = now - TouchInterval;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Set<StaffSession>()
            .Where(s => s.Id == sessionId && s.EndedAt == null && s.LastSeenAt >= idleSince && s.LastSeenAt <= touchedBefore)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), ct);
    }

    /// <summary>Ends one session; false when it had already ended.</summary>
    public async Task<bool> EndAsync(string sessionId, SessionEndReason reason, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await EndAsync(db, sessionId, reason, ct);
    }

    /// <summary>Ends every open session of an account; returns how many.</summary>
    public async Task<int> EndAllAsync(string userId, SessionEndReason reason, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<StaffSession>().Where(s => s.UserId == userId && s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now).SetProperty(x => x.EndReason, reason), ct);
    }

    private async Task<bool> EndAsync(DbContext db, string sessionId, SessionEndReason reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return await db.Set<StaffSession>().Where(s => s.Id == sessionId && s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now).SetProperty(x => x.EndReason, reason), ct) == 1;
    }

    private static string? Cut(string? value, int length) => value is null || value.Length <= length ? value : value[..length];
}

/// <summary>Ends an account's access everywhere at once: a new security stamp (the console cookie and PDA tokens carry
/// the old one) and every open session closed. Call it after disabling an account, changing its roles or scope, or
/// resetting its password.</summary>
public sealed class StaffAccessService(UserManager<StaffUser> users, StaffSessionService sessions, IDbContextFactory<DbContext> contexts, TimeProvider clock)
{
    public async Task RevokeAsync(StaffUser user, StaffScope by, string reason, string? ip = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(by);
        var result = await users.UpdateSecurityStampAsync(user);
        if (!result.Succeeded)
            throw new InvalidOperationException("Updating the security stamp failed: " + string.Join("; ", result.Errors.Select(e => e.Description)));
        var ended = await sessions.EndAllAsync(user.Id, SessionEndReason.AccountChanged, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Add(AuditService.Entry(by, AuditActions.AccessRevoked, nameof(StaffUser), user.Id,
            $"{user.UserName}: {reason}; {ended} session(s) ended, PDA tokens invalidated", ip, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
    }
}
