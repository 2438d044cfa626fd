using Portal.Core.Common;

namespace Portal.Core.Booking;

public enum AppointmentStatus
{
    Booked = 1,
    Cancelled = 2,
    Completed = 3,
    NoShow = 4,
}

public class Appointment : Entity
{
    public const int CancelReasonLength = 256;

    public long SlotId { get; set; }
    public long SiteId { get; set; }
    public long ProductId { get; set; }
    public long ResidentId { get; set; }
    /// <summary>The account that booked (the resident or a family member acting for them).</summary>
    public long AccountId { get; set; }
    public int DoseNumber { get; set; }
    public DateOnly Date { get; set; }
    public AppointmentStatus Status { get; set; }
    /// <summary>"{resident}:{product series}:{dose}" while Booked, null otherwise: its unique index
    /// allows one active appointment per person per dose on every provider.</summary>
    public string? ActiveKey { get; set; }
    public string? CancelReason { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public long? WaitlistOfferId { get; set; }
    public long? QuestionnaireResponseId { get; set; }
}
