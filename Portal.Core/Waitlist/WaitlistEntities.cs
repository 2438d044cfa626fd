using Portal.Core.Common;

namespace Portal.Core.Waitlist;

public enum WaitlistStatus
{
    Waiting = 1,
    Offered = 2,
    Booked = 3,
    Expired = 4,
    Declined = 5,
    Withdrawn = 6,
}

/// <summary>A resident's registration of interest in a scarce product (紧缺疫苗登记).</summary>
public class WaitlistEntry : Entity
{
    public long ProductId { get; set; }
    public long ResidentId { get; set; }
    public long AccountId { get; set; }
    public string? PreferredDistrictCode { get; set; }
    public long? PreferredSiteId { get; set; }
    public DateTimeOffset RegisteredAt { get; set; }
    public WaitlistStatus Status { get; set; }
}

public enum AllocationMethod
{
    FirstComeFirstServed = 1,
    Lottery = 2,
}

/// <summary>One allocation round: places offered to waiting residents, by registration order or by
/// a seeded draw whose seed and result are stored so anyone can re-run it.</summary>
public class WaitlistCampaign : Entity
{
    public long ProductId { get; set; }
    public string Name { get; set; } = "";
    public AllocationMethod Method { get; set; }
    public int Places { get; set; }
    public int OfferHours { get; set; } = 48;
    public long? Seed { get; set; }
    public DateTimeOffset? DrawnAt { get; set; }
    /// <summary>SHA-256 of the ordered list of entry ids drawn, for public verification.</summary>
    public string? ResultHash { get; set; }
    public string? CreatedByUserId { get; set; }
    /// <summary>The district whose waiting residents the campaign drew from; null for a city-wide campaign.
    /// A district administrator sees and draws only their district's campaigns.</summary>
    public string? DistrictCode { get; set; }
}

public enum OfferStatus
{
    Open = 1,
    Accepted = 2,
    Expired = 3,
    Declined = 4,
}

public class WaitlistOffer : Entity
{
    public long CampaignId { get; set; }
    public long EntryId { get; set; }
    public int Rank { get; set; }
    public DateTimeOffset OfferedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public OfferStatus Status { get; set; }
    public long? AppointmentId { get; set; }
}

/// <summary>Every waitlist step, append-only, so staff can answer "why did she get a dose before me?".</summary>
public class WaitlistEvent
{
    public long Id { get; set; }
    public long EntryId { get; set; }
    public long? CampaignId { get; set; }
    public string Kind { get; set; } = "";
    public string Detail { get; set; } = "";
    public DateTimeOffset At { get; set; }
}
