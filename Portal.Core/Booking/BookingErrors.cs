using Portal.Core.Common;

namespace Portal.Core.Booking;

/// <summary>Every error of booking: a stable code, its status and its message in Chinese and English
/// (placeholders {0}, {1} are filled by the caller). The API answers each as ProblemDetails through one writer.</summary>
public static class BookingErrors
{
    public static readonly DomainError AlreadyBooked = new("already_booked", ProblemKind.Conflict, "该接种人已有此剂次的有效预约", "This person already has an active appointment for this dose");

    public static readonly DomainError AppointmentNotBooked = new("appointment_not_booked", ProblemKind.Conflict, "该预约已取消、已完成或已爽约，不能更改", "This appointment is cancelled, completed or missed and can no longer be changed");

    public static readonly DomainError AppointmentNotFound = new("appointment_not_found", ProblemKind.NotFound, "预约不存在", "No such appointment");

    public static readonly DomainError AppointmentPast = new("appointment_past", ProblemKind.Conflict, "预约日期已过，不能再更改", "The appointment's date has passed; it can no longer be changed");

    /// <summary>The no-show block (<see cref="NoShowPolicy"/>), refused by booking and by the waitlist alike.</summary>
    public static readonly DomainError ScarceBookingBlocked = new("scarce_booking_blocked", ProblemKind.Conflict, "因多次预约未到，{0:yyyy-MM-dd}（含）前不能预约或登记紧缺疫苗", "Because of missed appointments, scarce vaccines cannot be booked or requested until {0:yyyy-MM-dd} (inclusive)");

    public static readonly DomainError SlotClosed = new("slot_closed", ProblemKind.Conflict, "该时段已停止预约", "This slot is closed");

    public static readonly DomainError SlotFull = new("slot_full", ProblemKind.Conflict, "该时段已约满", "This slot is fully booked");

    public static readonly DomainError SlotNotReleased = new("slot_not_released", ProblemKind.Conflict, "该时段将于{0:yyyy-MM-dd HH:mm}开放预约", "This slot opens for booking at {0:yyyy-MM-dd HH:mm} (China time)");

    public static readonly DomainError WaitlistRequired = new("waitlist_required", ProblemKind.Conflict, "该疫苗为紧缺疫苗，须凭有效的排队名额预约", "This vaccine is scarce: book it with a valid, unexpired waitlist offer");

    public static readonly DomainError IdempotencyKeyReused = new("idempotency_key_reused", ProblemKind.Unprocessable, "该 Idempotency-Key 已用于另一个请求", "Idempotency-Key was used with a different request");

    public static readonly DomainError IdempotencyInFlight = new("idempotency_in_flight", ProblemKind.Conflict, "使用该 Idempotency-Key 的请求正在处理中，请稍后重试", "A request with this Idempotency-Key is still being processed; retry later");
}
