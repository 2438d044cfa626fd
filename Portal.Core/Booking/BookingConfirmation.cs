using System.Globalization;
using Portal.Core.Messaging;
using Portal.Core.Slots;

namespace Portal.Core.Booking;

/// <summary>The confirmation SMS of a booking, composed in one place for booking (both write paths) and rescheduling.</summary>
public static class BookingConfirmation
{
    /// <summary>The dedup key's prefix for a new booking ("book:{appointment id}"): PostgreSQL's single statement
    /// appends the id it has just inserted.</summary>
    public const string BookedKeyPrefix = "book:";

    public static string BookedKey(long appointmentId) => BookedKeyPrefix + appointmentId.ToString(CultureInfo.InvariantCulture);

    public static string RescheduledKey(long appointmentId, long slotId) =>
        string.Create(CultureInfo.InvariantCulture, $"reschedule:{appointmentId}:{slotId}");

    /// <summary>The pending message, not yet added to any context.</summary>
    public static SmsOutboxMessage Compose(string phoneCipher, string phoneMasked, string residentName, Slot slot, string siteName,
        string productName, int dose, string dedupKey, DateTimeOffset now) =>
        SmsOutbox.Create(phoneCipher, phoneMasked, SmsTemplateNames.BookingConfirmed, new Dictionary<string, string>
        {
            ["name"] = residentName,
            ["date"] = slot.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["time"] = slot.StartTime.ToString("HH:mm", CultureInfo.InvariantCulture) + "-" + slot.EndTime.ToString("HH:mm", CultureInfo.InvariantCulture),
            ["site"] = siteName,
            ["vaccine"] = productName,
            ["dose"] = dose.ToString(CultureInfo.InvariantCulture),
        }, dedupKey, now);
}
