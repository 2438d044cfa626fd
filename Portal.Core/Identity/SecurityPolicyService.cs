using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Auditing;
using Portal.Core.Common;

namespace Portal.Core.Identity;

/// <summary>The policy in force: which roles need a second factor and how long an idle console session lives.</summary>
public sealed record SecurityPolicy(IReadOnlyList<string> TwoFactorRoles, int IdleTimeoutMinutes, bool FromSettingsRow)
{
    public TimeSpan IdleTimeout => TimeSpan.FromMinutes(IdleTimeoutMinutes);

    public bool RequiresTwoFactor(IEnumerable<string> roles) => roles.Any(TwoFactorRoles.Contains);
}

/// <summary>Reads and changes the security administrator's policy (<see cref="SecuritySettings"/>; configuration until
/// the row exists). Read on every request by the session check, so held in memory for a few seconds; a change made on
/// this instance applies at once, on another within <see cref="CacheFor"/>.</summary>
public sealed class SecurityPolicyService(IDbContextFactory<DbContext> contexts, IOptions<SecurityOptions> options, TimeProvider clock)
{
    public const int MinIdleTimeoutMinutes = 1;
    public const int MaxIdleTimeoutMinutes = 480;
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);
    private (SecurityPolicy Policy, DateTimeOffset ReadAt)? cached;

    public async Task<SecurityPolicy> GetAsync(CancellationToken ct = default)
    {
        if (cached is { } c && clock.GetUtcNow() - c.ReadAt < CacheFor)
            return c.Policy;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Set<SecuritySettings>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == SecuritySettings.SingletonId, ct);
        var policy = row is null
            ? new SecurityPolicy(options.Value.EffectiveTwoFactorRoles, Clamp(options.Value.IdleTimeoutMinutes), false)
            : new SecurityPolicy(SecurityOptions.ParseRoles(row.TwoFactorRoles), Clamp(row.IdleTimeoutMinutes), true);
        cached = (policy, clock.GetUtcNow());
        return policy;
    }

    /// <summary>Saves the policy and audits the change (old → new). Takes effect at each account's next sign-in
    /// (second factor) and at each session's next request (idle timeout).</summary>
    public async Task<SecurityPolicy> UpdateAsync(IEnumerable<string> twoFactorRoles, int idleTimeoutMinutes, StaffScope by, string? ip,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(by);
        if (idleTimeoutMinutes is < MinIdleTimeoutMinutes or > MaxIdleTimeoutMinutes)
            throw new DomainValidationException([new("idleTimeoutMinutes", new(
                $"空闲超时须在 {MinIdleTimeoutMinutes} 到 {MaxIdleTimeoutMinutes} 分钟之间",
                $"The idle timeout must be between {MinIdleTimeoutMinutes} and {MaxIdleTimeoutMinutes} minutes"))]);
        var roles = SecurityOptions.FormatRoles(twoFactorRoles);
        var before = await GetAsync(ct);

        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Set<SecuritySettings>().FirstOrDefaultAsync(s => s.Id == SecuritySettings.SingletonId, ct);
        if (row is null)
            db.Add(row = new SecuritySettings { Id = SecuritySettings.SingletonId });
        row.TwoFactorRoles = roles;
        row.IdleTimeoutMinutes = idleTimeoutMinutes;
        row.UpdatedAt = clock.GetUtcNow();
        row.UpdatedByUserId = by.UserId;
        var after = new SecurityPolicy(SecurityOptions.ParseRoles(roles), idleTimeoutMinutes, true);
        db.Add(AuditService.Entry(by, AuditActions.SecurityPolicyChanged, nameof(SecuritySettings), SecuritySettings.SingletonId.ToString(),
            $"{Describe(before)} -> {Describe(after)}", ip, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        cached = (after, clock.GetUtcNow());
        return after;
    }

    private static string Describe(SecurityPolicy p) =>
        $"two-factor roles [{string.Join(',', p.TwoFactorRoles)}], idle timeout {p.IdleTimeoutMinutes} min";

    private static int Clamp(int minutes) => Math.Clamp(minutes <= 0 ? 30 : minutes, MinIdleTimeoutMinutes, MaxIdleTimeoutMinutes);
}
