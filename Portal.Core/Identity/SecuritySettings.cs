namespace Portal.Core.Identity;

/// <summary>The security administrator's policy (one row): which roles must sign in with a second factor and how
/// long an idle console session lives. Configuration ("Security:*") gives the defaults until the row exists.</summary>
public class SecuritySettings
{
    public const int SingletonId = 1;
    public const int RolesLength = 512;

    public int Id { get; set; } = SingletonId;
    /// <summary>Role names, comma-separated.</summary>
    public string TwoFactorRoles { get; set; } = "";
    public int IdleTimeoutMinutes { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedByUserId { get; set; }
}
