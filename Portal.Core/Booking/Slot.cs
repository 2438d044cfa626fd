using Portal.Core.Common;

namespace Portal.Core.Booking;

/// <summary>An appointment slot (号源): so many places for one product at one site in one time window.
/// <see cref="Booked"/> is only ever changed by a conditional UPDATE (Booked &lt; Capacity), and a
/// check constraint keeps Booked &lt;= Capacity, so the database itself refuses overbooking.</summary>
public class Slot : Entity
{
    public long SiteId { get; set; }
    public long ProductId { get; set; }
    public DateOnly Date { get; set; }
    public TimeOnly StartTime { get; set; }
    public TimeOnly EndTime { get; set; }
    public int Capacity { get; set; }
    public int Booked { get; set; }
    /// <summary>Before this instant the slot is visible but not bookable (e.g. 10:00 on Mondays).</summary>
    public DateTimeOffset? ReleaseAt { get; set; }
    public bool IsClosed { get; set; }
    public long? TemplateId { get; set; }
    /// <summary>Optimistic concurrency for admin edits (incremented on every edit).</summary>
    public int Version { get; set; }
}

/// <summary>A weekly pattern from which slots are generated a configurable number of days ahead.</summary>
public class SlotTemplate : Entity
{
    public long SiteId { get; set; }
    public long ProductId { get; set; }
    public DayOfWeek Day { get; set; }
    public TimeOnly StartTime { get; set; }
    public TimeOnly EndTime { get; set; }
    public int Capacity { get; set; }
    /// <summary>Release rule: slots open this many days before their date at <see cref="ReleaseTime"/>; null = at once.</summary>
    public int? ReleaseDaysBefore { get; set; }
    public TimeOnly? ReleaseTime { get; set; }
    public bool IsActive { get; set; } = true;
}

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

/// <summary>A stored answer for an Idempotency-Key header (Stripe's rules), kept at least 24 h.</summary>
public class IdempotencyRecord
{
    public long Id { get; set; }
    public string Scope { get; set; } = "";
    public string Key { get; set; } = "";
    public string RequestHash { get; set; } = "";
    public int StatusCode { get; set; }
    public string ResponseBody { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
