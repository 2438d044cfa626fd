namespace Portal.Core.Residents;

/// <summary>The five kinds of identity document a resident may register with.</summary>
public enum IdDocumentKind
{
    /// <summary>居民身份证 (18 digits, GB 11643 checksum).</summary>
    ResidentIdCard = 1,
    /// <summary>港澳居民来往内地通行证 (H/M + 8 or 10 digits).</summary>
    HongKongMacauPermit = 2,
    /// <summary>台湾居民来往大陆通行证 (8 digits).</summary>
    TaiwanPermit = 3,
    /// <summary>外国人永久居留身份证 (old 15-character, new 18-digit format).</summary>
    ForeignPermanentResidentId = 4,
    /// <summary>护照.</summary>
    Passport = 5,
}

public enum Sex
{
    Unknown = 0,
    Male = 1,
    Female = 2,
}
