namespace Portal.Core.Waitlist;

/// <summary>The "Waitlist" configuration section.</summary>
public sealed class WaitlistOptions
{
    public const string SectionName = "Waitlist";

    /// <summary>Hours a resident has to book when a cancelled or missed place is offered again (the same day).</summary>
    public int SameDayOfferHours { get; set; } = 4;

    /// <summary>How often the background job expires offers and passes places on.</summary>
    public int ProcessIntervalSeconds { get; set; } = 60;
}

/// <summary>Kinds of <see cref="Portal.Core.Waitlist.WaitlistEvent"/> rows ("booked" is written by BookingService).</summary>
public static class WaitlistEventKinds
{
    public const string Registered = "registered";
    public const string Withdrawn = "withdrawn";
    public const string Candidate = "candidate";
    public const string Offered = "offered";
    public const string Declined = "declined";
    public const string Expired = "expired";
    public const string Booked = "booked";
    public const string PlaceReturned = "place_returned";
}
