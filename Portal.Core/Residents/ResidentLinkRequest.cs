using Portal.Core.Common;

namespace Portal.Core.Residents;

/// <summary>How an account came to act for a person (kept on each <see cref="FamilyMember"/> for the audit and
/// for the person's own list of linked accounts). See docs/decisions/0007-who-may-act-for-whom.md.</summary>
public enum LinkProof
{
    /// <summary>Linked before proofs were recorded.</summary>
    Unrecorded = 0,
    /// <summary>The account registered a person the system did not know yet.</summary>
    NewRecord = 1,
    /// <summary>The account's own verified phone is the phone on the person's record.</summary>
    OwnPhone = 2,
    /// <summary>A one-time code sent to the phone on the person's record was entered.</summary>
    SmsCode = 3,
    /// <summary>The person's own account (or a minor's guardian account) approved the request.</summary>
    Approval = 4,
    /// <summary>A minor whose vaccination archive names the account's phone as the guardian's.</summary>
    ArchiveGuardian = 5,
}

public enum LinkRequestStatus
{
    Pending = 0,
    Confirmed = 1,
    Rejected = 2,
    Expired = 3,
    Withdrawn = 4,
}

/// <summary>An account's request to act for a person who already has a record. Until it is confirmed the
/// account has no <see cref="FamilyMember"/> link and sees nothing of the person. A request whose name did not
/// match the record is stored like any other (so the answer cannot confirm a name) but can never be confirmed.</summary>
public class ResidentLinkRequest : Entity
{
    public const int CodeHashLength = 64;

    public long AccountId { get; set; }
    public long ResidentId { get; set; }
    public Relationship Relationship { get; set; }
    /// <summary>False when the name sent did not match the record; never shown to the requester.</summary>
    public bool IdentityMatched { get; set; }
    public LinkRequestStatus Status { get; set; }
    /// <summary>Keyed hash of the one-time code sent to the phone on the person's record (null when none was sent).</summary>
    public string? CodeHash { get; set; }
    public DateTimeOffset? CodeSentAt { get; set; }
    public int FailedAttempts { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public LinkProof? ConfirmedVia { get; set; }
    /// <summary>The approving (or rejecting) account, when the decision was the person's own account's.</summary>
    public long? DecidedByAccountId { get; set; }
}
