namespace Portal.Core.Identity;

/// <summary>Section "Security": staff sign-in throttles, console sessions and the second factor. The security
/// administrator's <see cref="SecuritySettings"/> row, once saved, overrides <see cref="TwoFactorRoles"/> and
/// <see cref="IdleTimeoutMinutes"/>.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>The roles that must sign in with a second factor unless configured otherwise: the city and district
    /// administrators and the three MLPS administrators (MLPS level 3 asks for two or more factors).</summary>
    public static readonly IReadOnlyList<string> DefaultTwoFactorRoles =
        [Roles.CityAdmin, Roles.DistrictAdmin, Roles.SystemAdmin, Roles.SecurityAdmin, Roles.AuditAdmin];

    /// <summary>A console session idle this long ends (MLPS: end a session left unattended).</summary>
    public int IdleTimeoutMinutes { get; set; } = 30;

    /// <summary>A console session ends this long after sign-in however busy it is.</summary>
    public int AbsoluteSessionHours { get; set; } = 12;

    /// <summary>How often an open Blazor circuit re-checks its session, security stamp and account.</summary>
    public int RevalidationSeconds { get; set; } = 30;

    /// <summary>Role names, comma-separated (the same form as <see cref="SecuritySettings.TwoFactorRoles"/>, so one
    /// environment variable sets it). Null: <see cref="DefaultTwoFactorRoles"/>; empty: none.</summary>
    public string? TwoFactorRoles { get; set; }

    public SignInThrottleOptions SignIn { get; set; } = new();

    public IReadOnlyList<string> EffectiveTwoFactorRoles =>
        TwoFactorRoles is null ? DefaultTwoFactorRoles : ParseRoles(TwoFactorRoles);

    /// <summary>Known role names from a comma-separated list, in <see cref="Roles.All"/> order, without duplicates.</summary>
    public static IReadOnlyList<string> ParseRoles(string? roles)
    {
        var named = (roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return [.. Roles.All.Where(r => named.Contains(r, StringComparer.OrdinalIgnoreCase))];
    }

    public static string FormatRoles(IEnumerable<string> roles) => string.Join(',', Roles.All.Where(roles.Contains));
}

/// <summary>Section "Security:SignIn": how many failed staff sign-ins (console and PDA together) a source may make.
/// Counted from <see cref="SignInAttempt"/> rows in a sliding window; nothing locks an account for everyone.</summary>
public sealed class SignInThrottleOptions
{
    public int WindowMinutes { get; set; } = 15;

    /// <summary>Failures of one account name from one address before that pair is refused.</summary>
    public int MaxFailuresPerNameAndIp { get; set; } = 5;

    /// <summary>Failures from one address, whatever the names, before the address is refused.</summary>
    public int MaxFailuresPerIp { get; set; } = 20;

    /// <summary>Failures of one account name from all addresses before the name is refused, except to addresses that
    /// signed in to it within <see cref="KnownSourceDays"/>: a distributed guesser cannot lock a clinic out of its own network.</summary>
    public int MaxFailuresPerName { get; set; } = 30;

    public int KnownSourceDays { get; set; } = 30;

    /// <summary>Attempt rows older than this many days (and older than the known-source period) are deleted.</summary>
    public int RetentionDays { get; set; } = 90;
}
