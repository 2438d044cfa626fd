using Portal.Core.Common;

namespace Portal.Core.Archives;

public enum ArchiveStatus
{
    Active = 1,
    TransferredOut = 2,
    Closed = 3,
}

/// <summary>A resident's vaccination archive (接种档案), managed by one site at a time.</summary>
public class VaccinationArchive : Entity
{
    public const int ArchiveNumberLength = 32;

    public long ResidentId { get; set; }
    public string ArchiveNumber { get; set; } = "";
    public long ManagingSiteId { get; set; }
    public ArchiveStatus Status { get; set; }
    /// <summary>Keyed hash of the guardian's mobile number as the clinic recorded it for a child's archive: an
    /// account signed in with that number may act for the child without a further proof.</summary>
    public string? GuardianPhoneHash { get; set; }
}

public enum ArchiveRequestKind
{
    /// <summary>档案绑定: link an existing archive to an app account.</summary>
    Bind = 1,
    /// <summary>自助建档.</summary>
    Create = 2,
    /// <summary>迁档: move the archive to another managing site.</summary>
    Transfer = 3,
}

public enum ArchiveRequestStatus
{
    Pending = 0,
    Approved = 1,
    Rejected = 2,
    Withdrawn = 3,
}

/// <summary>A resident's request about an archive that a site reviews.</summary>
public class ArchiveRequest : Entity
{
    public ArchiveRequestKind Kind { get; set; }
    public long AccountId { get; set; }
    public long ResidentId { get; set; }
    public long? ArchiveId { get; set; }
    public long? FromSiteId { get; set; }
    public long ToSiteId { get; set; }
    public ArchiveRequestStatus Status { get; set; }
    public string? ReviewedByUserId { get; set; }
    public DateTimeOffset? ReviewedAt { get; set; }
    public string? RejectReason { get; set; }
}
