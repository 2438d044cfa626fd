using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Auditing;

namespace Portal.Core.Identity;

public enum SignInVerdict
{
    /// <summary>The password (or code) is right and the account may sign in; the caller finishes with
    /// <see cref="SignInGuard.SucceedAsync"/>, <see cref="SignInGuard.RefuseAsync"/> or <see cref="SignInGuard.DeferAsync"/>.</summary>
    Succeeded,
    /// <summary>Wrong name, password or code: one answer whether or not the account exists.</summary>
    WrongCredentials,
    /// <summary>Too many failures from this source: refused unchecked, see <see cref="SignInCheck.RetryAfter"/>.</summary>
    Blocked,
    /// <summary>Right password, account disabled (said only to someone who knows the password).</summary>
    Disabled,
    /// <summary>Right password, account locked by an administrator (LockoutEnd).</summary>
    Locked,
}

/// <summary>One recorded attempt (a <see cref="SignInAttempt"/> row).</summary>
public sealed record SignInAttemptTicket(long Id, SignInChannel Channel, string NameKey, string? Ip, string? Device);

public sealed record SignInCheck(SignInVerdict Verdict, StaffUser? User, SignInAttemptTicket Attempt, TimeSpan RetryAfter = default)
{
    public bool Succeeded => Verdict == SignInVerdict.Succeeded;
}

/// <summary>The one gate for staff sign-ins, console and PDA alike: records every attempt, refuses a source that has
/// failed too often (per name and address, per address, per name for addresses that never signed in to it), checks the
/// password in the same time whether or not the account exists, and audits the outcome with bounded values.
/// Identity's account lockout on failures is not used: it let anyone lock anyone out with five requests.</summary>
public sealed class SignInGuard(
    IDbContextFactory<DbContext> contexts,
    UserManager<StaffUser> users,
    IPasswordHasher<StaffUser> hasher,
    IOptions<SecurityOptions> options,
    TimeProvider clock)
{
    /// <summary>The UserName column's length: a longer name cannot exist, so it is not looked up.</summary>
    public const int MaxUserNameLength = 256;
    private const int MaxCodeLength = 64;
    private static readonly StaffUser DummyUser = new() { UserName = "dummy" };
    private static string? dummyHash;
    private static long lastPurgeTicks;

    /// <summary>What the throttles count by: the name as typed, trimmed, without control characters, lower-cased
    /// and cut to <see cref="SignInAttempt.NameKeyLength"/>. Also what the audit shows for a name that is no account.</summary>
    public static string NameKey(string? typed)
    {
        var key = new StringBuilder(SignInAttempt.NameKeyLength);
        foreach (var c in (typed ?? "").AsSpan().Trim())
        {
            if (char.IsControl(c)) continue;
            if (key.Length == SignInAttempt.NameKeyLength) break;
            key.Append(char.ToLowerInvariant(c));
        }
        return key.ToString().Trim();
    }

    /// <summary>The password step.</summary>
    public async Task<SignInCheck> CheckPasswordAsync(SignInChannel channel, string? userName, string? password, string? ip,
        string? device = null, CancellationToken ct = default)
    {
        var (ticket, wait) = await BeginAsync(channel, NameKey(userName), ip, device, ct);
        if (wait is { } retry)
            return await BlockedAsync(null, ticket, retry, ct);

        var name = (userName ?? "").Trim();
        var user = name.Length is > 0 and <= MaxUserNameLength ? await users.FindByNameAsync(name) : null;
        if (!await VerifyPasswordAsync(user, password ?? ""))
        {
            await AuditAsync(user, ticket, AuditActions.SignInFailed, "wrong user name or password", ct);
            return new(SignInVerdict.WrongCredentials, null, ticket);
        }
        return await AccountStateAsync(user!, ticket, ct);
    }

    /// <summary>The second step: a code from the authenticator app, or (<paramref name="recovery"/>) one of the
    /// recovery codes, which then stops working. Counted by the same throttles as passwords.</summary>
    public async Task<SignInCheck> CheckSecondFactorAsync(StaffUser user, SignInChannel channel, string? code, bool recovery,
        string? ip, string? device = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var (ticket, wait) = await BeginAsync(channel, NameKey(user.UserName), ip, device, ct);
        if (wait is { } retry)
            return await BlockedAsync(user, ticket, retry, ct);

        var typed = (code ?? "").Replace(" ", "", StringComparison.Ordinal).Trim();
        var ok = typed.Length is > 0 and <= MaxCodeLength && (recovery
            ? (await users.RedeemTwoFactorRecoveryCodeAsync(user, typed.ToUpperInvariant())).Succeeded
            : await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, typed.Replace("-", "", StringComparison.Ordinal)));
        if (!ok)
        {
            await AuditAsync(user, ticket, AuditActions.SecondFactorFailed, recovery ? "wrong recovery code" : "wrong authenticator code", ct);
            return new(SignInVerdict.WrongCredentials, null, ticket);
        }
        return await AccountStateAsync(user, ticket, ct);
    }

    /// <summary>The sign-in is complete (cookie or token issued): the attempt counts as a success and marks its
    /// address as a known source for the account.</summary>
    public async Task SucceedAsync(SignInCheck check, string detail, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Set<SignInAttempt>().Where(a => a.Id == check.Attempt.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Succeeded, true), ct);
        db.Add(Entry(check.User, check.Attempt, AuditActions.SignIn, detail, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        await PurgeAsync(db, ct);
    }

    /// <summary>Right credentials, but not allowed here (a PDA for a non-doctor, a second factor not set up).
    /// The attempt stays a failure.</summary>
    public async Task RefuseAsync(SignInCheck check, string reason, CancellationToken ct = default) =>
        await AuditAsync(check.User, check.Attempt, AuditActions.SignInRefused, reason, ct);

    /// <summary>The password was right and a second factor follows: that step records its own attempt and outcome,
    /// so this one is dropped (kept as a failure it would punish every two-step sign-in; kept as a success it would
    /// mark the address as known before the second factor).</summary>
    public async Task DeferAsync(SignInCheck check, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Set<SignInAttempt>().Where(a => a.Id == check.Attempt.Id).ExecuteDeleteAsync(ct);
    }

    /// <summary>An audit entry about a staff account's sign-in (known account: its id and name; otherwise the cut,
    /// cleaned name key), for the console's sign-out and session events too.</summary>
    public static AuditEntry Entry(StaffUser? user, SignInAttemptTicket attempt, string action, string detail, DateTimeOffset at) =>
        AuditService.Entry(Who(user, attempt.NameKey), action, attempt.Channel.ToString(), attempt.Device, detail, attempt.Ip, at);

    private static StaffScope Who(StaffUser? user, string nameKey) => user is null
        ? new StaffScope(null, nameKey, nameKey, [], null)
        : new StaffScope(user.Id, user.UserName ?? nameKey, user.DisplayName, [], null);

    private async Task<SignInCheck> AccountStateAsync(StaffUser user, SignInAttemptTicket ticket, CancellationToken ct)
    {
        // Only now, with the right password, may the answer depend on the account.
        if (!user.IsActive)
        {
            await AuditAsync(user, ticket, AuditActions.SignInRefused, "account disabled", ct);
            return new(SignInVerdict.Disabled, user, ticket);
        }
        if (user.LockoutEnd is { } end && end > clock.GetUtcNow())
        {
            await AuditAsync(user, ticket, AuditActions.SignInRefused, "account locked by an administrator", ct);
            return new(SignInVerdict.Locked, user, ticket);
        }
        return new(SignInVerdict.Succeeded, user, ticket);
    }

    private async Task<bool> VerifyPasswordAsync(StaffUser? user, string password)
    {
        if (user is not null)
            return await users.CheckPasswordAsync(user, password);
        // No such account: hash anyway, with the same hasher and cost, so that the answer takes as long.
        dummyHash ??= hasher.HashPassword(DummyUser, Guid.NewGuid().ToString("N"));
        hasher.VerifyHashedPassword(DummyUser, dummyHash, password);
        return false;
    }

    private async Task<SignInCheck> BlockedAsync(StaffUser? user, SignInAttemptTicket ticket, TimeSpan retry, CancellationToken ct)
    {
        await AuditAsync(user, ticket, AuditActions.SignInBlocked, $"too many failed sign-ins from this source; retry after {(int)Math.Ceiling(retry.TotalSeconds)} s", ct);
        return new(SignInVerdict.Blocked, null, ticket, retry);
    }

    /// <summary>Writes an audit entry about this attempt's account, channel, device and address.</summary>
    public async Task AuditAsync(StaffUser? user, SignInAttemptTicket ticket, string action, string detail, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Add(Entry(user, ticket, action, detail, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Records the attempt as a failure first, then counts: parallel guesses see each other's rows, so a burst
    /// cannot slip past the limits while the password hashes run.</summary>
    private async Task<(SignInAttemptTicket Ticket, TimeSpan? RetryAfter)> BeginAsync(SignInChannel channel, string nameKey, string? ip,
        string? device, CancellationToken ct)
    {
        ip = Clean(ip, SignInAttempt.IpLength);
        var now = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = new SignInAttempt { At = now, Channel = channel, NameKey = nameKey, Ip = ip, Succeeded = false };
        db.Add(row);
        await db.SaveChangesAsync(ct);
        var ticket = new SignInAttemptTicket(row.Id, channel, nameKey, ip, Clean(device, 64));
        return (ticket, await RetryAfterAsync(db, ticket, now, ct));
    }

    /// <summary>How long until this source may try again, or null. The current attempt is among the failures counted,
    /// so a source is refused once it has more than the limit; it may try again when the limit-th newest failure leaves
    /// the window (a truthful Retry-After, as long as it does not keep trying).</summary>
    private async Task<TimeSpan?> RetryAfterAsync(DbContext db, SignInAttemptTicket t, DateTimeOffset now, CancellationToken ct)
    {
        var o = options.Value.SignIn;
        var window = TimeSpan.FromMinutes(Math.Max(1, o.WindowMinutes));
        var since = now - window;
        var failures = db.Set<SignInAttempt>().Where(a => !a.Succeeded && a.At >= since);
        DateTimeOffset? until = null;

        async Task CountAsync(IQueryable<SignInAttempt> rows, int limit)
        {
            limit = Math.Max(1, limit);
            var newest = await rows.OrderByDescending(a => a.At).Select(a => a.At).Take(limit + 1).ToListAsync(ct);
            if (newest.Count > limit && (until is null || newest[limit - 1] + window > until))
                until = newest[limit - 1] + window;
        }

        await CountAsync(failures.Where(a => a.NameKey == t.NameKey && a.Ip == t.Ip), o.MaxFailuresPerNameAndIp);
        // No address (a test server, a misconfigured proxy): nothing to count by.
        if (t.Ip is not null)
            await CountAsync(failures.Where(a => a.Ip == t.Ip), o.MaxFailuresPerIp);
        var knownSince = now - TimeSpan.FromDays(Math.Max(0, o.KnownSourceDays));
        var known = t.Ip is not null && await db.Set<SignInAttempt>()
            .AnyAsync(a => a.NameKey == t.NameKey && a.Ip == t.Ip && a.Succeeded && a.At >= knownSince, ct);
        if (!known)
            await CountAsync(failures.Where(a => a.NameKey == t.NameKey), o.MaxFailuresPerName);

        return until is { } u ? TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((u - now).TotalSeconds))) : null;
    }

    /// <summary>At most once an hour per process, after a success: rows older than every period they serve.</summary>
    private async Task PurgeAsync(DbContext db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var last = Interlocked.Read(ref lastPurgeTicks);
        if (now.UtcTicks - last < TimeSpan.TicksPerHour || Interlocked.CompareExchange(ref lastPurgeTicks, now.UtcTicks, last) != last)
            return;
        var o = options.Value.SignIn;
        var keep = TimeSpan.FromDays(Math.Max(Math.Max(o.RetentionDays, o.KnownSourceDays), 1));
        var before = now - keep;
        await db.Set<SignInAttempt>().Where(a => a.At < before).ExecuteDeleteAsync(ct);
    }

    private static string? Clean(string? value, int length)
    {
        if (value is null) return null;
        var clean = new StringBuilder(Math.Min(value.Length, length));
        foreach (var c in value)
        {
            if (clean.Length == length) break;
            if (!char.IsControl(c)) clean.Append(c);
        }
        return clean.Length == 0 ? null : clean.ToString();
    }
}
