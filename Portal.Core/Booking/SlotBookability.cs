using System.Linq.Expressions;
using Portal.Core.Common;
using Portal.Core.Slots;

namespace Portal.Core.Booking;

/// <summary>Where a slot stands for someone who wants to book it now (capacity aside: see <see cref="SlotBookability.HasPlace"/>).</summary>
public enum SlotOpening
{
    Open,
    /// <summary>Its end time has passed, today's finished slots included.</summary>
    Over,
    /// <summary>Closed by the site, or its site is no longer listed (inactive, or past its last day).</summary>
    Closed,
    NotReleased,
}

/// <summary>
/// The one rule for "is this slot open for booking", used by the slot list, booking (both write paths), rescheduling
/// and the site directory's "next bookable date". Two parts: <see cref="OpeningOf"/> is judged in memory before the
/// write (SQLite cannot compare DateTimeOffset columns in SQL, and the resident needs to hear which condition failed);
/// <see cref="HasPlace"/> is the guard of the conditional UPDATE that takes the place, so a slot closed or filled
/// between the read and the write is refused by the database itself. PostgreSQL's single-statement booking
/// (Portal.Data) states the same guard in SQL.
/// </summary>
public static class SlotBookability
{
    /// <summary>The write's guard: a place is left and the slot is not closed.</summary>
    public static readonly Expression<Func<Slot, bool>> HasPlace = s => s.Booked < s.Capacity && !s.IsClosed;

    /// <param name="siteListed">The slot's site is listed today (<see cref="Sites.SiteDirectory.Listed"/>).</param>
    public static SlotOpening OpeningOf(Slot slot, bool siteListed, DateTimeOffset now)
    {
        if (ChinaTime.At(slot.Date, slot.EndTime) <= now) return SlotOpening.Over;
        if (slot.IsClosed || !siteListed) return SlotOpening.Closed;
        if (slot.ReleaseAt is { } release && release > now) return SlotOpening.NotReleased;
        return SlotOpening.Open;
    }

    /// <summary>Open, and with a place left when it was read.</summary>
    public static bool IsBookable(Slot slot, bool siteListed, DateTimeOffset now) =>
        OpeningOf(slot, siteListed, now) == SlotOpening.Open && slot.Booked < slot.Capacity;

    /// <summary>Throws the error a resident sees when the slot is not open; a full slot is left to the write.</summary>
    public static void EnsureOpen(Slot slot, bool siteListed, DateTimeOffset now)
    {
        switch (OpeningOf(slot, siteListed, now))
        {
            case SlotOpening.Over:
                throw new DomainValidationException("slotId", new("不能预约已过去的时段", "That slot is in the past"));
            case SlotOpening.Closed:
                throw BookingErrors.SlotClosed.Exception();
            case SlotOpening.NotReleased:
                throw BookingErrors.SlotNotReleased.Exception(ChinaTime.ToChina(slot.ReleaseAt!.Value));
        }
    }
}
