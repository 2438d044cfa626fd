using Microsoft.EntityFrameworkCore;
using Portal.Core.Messaging;

namespace Portal.Core.Booking;

public enum FastBookingOutcome
{
    Booked,
    /// <summary>The guard refused: the slot was full or closed when the write ran (<see cref="SlotBookability.HasPlace"/>).</summary>
    NoPlace,
    /// <summary>The unique active-appointment key refused: the person already holds this dose.</summary>
    AlreadyBooked,
}

/// <summary>
/// A provider's faster way to make an ordinary booking (no waitlist offer), registered by the provider's set-up in
/// Portal.Data; where none is registered <see cref="BookingService"/> uses its EF transaction. It must write what the
/// transaction writes (the place, the appointment, the confirmation under <see cref="BookingConfirmation.BookedKey"/>)
/// all or nothing, with <see cref="SlotBookability.HasPlace"/> as its only capacity guard; BookingService turns its
/// outcome into the same answer the transaction gives.
/// </summary>
public interface IBookingFastPath
{
    /// <summary>Books; on <see cref="FastBookingOutcome.Booked"/> the appointment's Id is set. The confirmation's own
    /// dedup key is not used: the key names the id the write creates.</summary>
    Task<FastBookingOutcome> BookAsync(DbContext db, Appointment appointment, SmsOutboxMessage confirmation, CancellationToken ct);
}
