using Portal.Core.Common;

namespace Portal.Core.Messaging;

public enum SmsStatus
{
    Pending = 0,
    Sent = 1,
    Failed = 2,
}

/// <summary>An SMS waiting to be sent. Written in the same transaction as the change it reports;
/// a background dispatcher sends it. <see cref="DedupKey"/> is unique: each message goes out at most once.</summary>
public class SmsOutboxMessage
{
    public long Id { get; set; }
    public string DedupKey { get; set; } = "";
    public string PhoneCipher { get; set; } = "";
    public string PhoneMasked { get; set; } = "";
    public string Template { get; set; } = "";
    public string Culture { get; set; } = "zh-CN";
    public string Body { get; set; } = "";
    public SmsStatus Status { get; set; }
    public int Attempts { get; set; }
    /// <summary>Set by the dispatch round that last claimed the message; only that round may record its outcome.</summary>
    public Guid? ClaimToken { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public string? LastError { get; set; }
}

/// <summary>A 6-digit verification code, stored only as a hash.</summary>
public class SmsVerificationCode
{
    public long Id { get; set; }
    public string PhoneHash { get; set; } = "";
    public string CodeHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public int FailedAttempts { get; set; }
    public DateTimeOffset? ConsumedAt { get; set; }
    public string? ClientIp { get; set; }
}
