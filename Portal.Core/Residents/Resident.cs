using Portal.Core.Common;

namespace Portal.Core.Residents;

public enum ResidencyKind
{
    /// <summary>上海户籍.</summary>
    Household = 1,
    /// <summary>常住 (non-household, living in Shanghai).</summary>
    Permanent = 2,
    /// <summary>流动人口.</summary>
    Floating = 3,
}

/// <summary>A person who is or may be vaccinated. ID and phone numbers are stored three ways:
/// AES-GCM cipher text (the only way back to the value), a keyed hash (lookups and uniqueness),
/// and a masked form (what lists show without decrypting anything).</summary>
public class Resident : Entity
{
    public const int NameLength = 64;

    public string Name { get; set; } = "";
    public IdDocumentKind IdKind { get; set; }
    public string IdNumberCipher { get; set; } = "";
    public string IdNumberHash { get; set; } = "";
    public string IdNumberMasked { get; set; } = "";
    public Sex Sex { get; set; }
    public DateOnly BirthDate { get; set; }
    public string? PhoneCipher { get; set; }
    public string? PhoneHash { get; set; }
    public string? PhoneMasked { get; set; }
    public ResidencyKind Residency { get; set; }
    public string? DistrictCode { get; set; }
    public string? StreetCode { get; set; }
    public long? EmployerId { get; set; }
    /// <summary>Two no-shows in a year may block scarce-vaccine booking until this date.</summary>
    public DateOnly? ScarceBookingBlockedUntil { get; set; }
}

/// <summary>A resident-app account, identified by a mainland mobile number verified by SMS code.
/// One account books for its holder and family members.</summary>
public class ResidentAccount : Entity
{
    public string PhoneCipher { get; set; } = "";
    public string PhoneHash { get; set; } = "";
    public string PhoneMasked { get; set; } = "";
    public DateTimeOffset? LastLoginAt { get; set; }
    public List<FamilyMember> Members { get; set; } = [];
}

public enum Relationship
{
    Self = 0,
    Child = 1,
    Parent = 2,
    Spouse = 3,
    Other = 9,
}

/// <summary>A person an account may act for (proxy booking). <see cref="IsGuardian"/> marks the
/// legal guardian of a minor, who signs consents for the child.</summary>
public class FamilyMember
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long ResidentId { get; set; }
    public Resident? Resident { get; set; }
    public Relationship Relationship { get; set; }
    public bool IsGuardian { get; set; }
    public DateTimeOffset AddedAt { get; set; }
    /// <summary>The proof on which the link rests (docs/decisions/0007-who-may-act-for-whom.md).</summary>
    public LinkProof LinkedVia { get; set; }
}
