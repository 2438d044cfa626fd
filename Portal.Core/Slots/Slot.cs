using Portal.Core.Common;

namespace Portal.Core.Slots;

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
