namespace Portal.Core.Identity;

public enum SessionEndReason
{
    SignedOut = 1,
    IdleTimeout = 2,
    Expired = 3,
    /// <summary>The account was disabled, its roles or scope changed, or its password was reset.</summary>
    AccountChanged = 4,
}

/// <summary>A console sign-in, held on the server so that signing out, an idle timeout or a change to the account
/// ends it at once: the cookie only names the session (claim "sid"), it cannot outlive it.</summary>
public class StaffSession
{
    public const int IdLength = 32;
    public const int UserAgentLength = 256;

    /// <summary>128 random bits, hex.</summary>
    public string Id { get; set; } = "";
    public string UserId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Last request or circuit activity, written at most once a minute.</summary>
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public SessionEndReason? EndReason { get; set; }
    public string? Ip { get; set; }
    public string? UserAgent { get; set; }
}
