using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Identity;
using Portal.Core.Eligibility;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Slots;
using Portal.Core.Vaccines;

namespace Portal.Api;

public static class BookingApi
{
    public static IEndpointRouteBuilder MapBookingApi(this IEndpointRouteBuilder app)
    {
        var sites = app.MapGroup("/api/v1/sites").WithTags("Resident: sites and slots").AllowAnonymous();
        sites.MapGet("/{id:long}/slots", ListSlots).WithName("ListSlots").WithSummary("号源 / Slots of a site")
            .ProducesValidationProblem()
            .ProducesErrors(SitesErrors.SiteNotFound);

        var appointments = app.MapGroup("/api/v1/appointments").WithTags("Resident: appointments").RequireAuthorization(Policies.Resident);
        appointments.MapPost("/", Book).WithName("Book").WithSummary("预约 / Book a slot")
            .WithIdempotency().RequireBookingRateLimits()
            .ProducesValidationProblem()
            .ProducesErrors(BookingErrors.AlreadyBooked, BookingErrors.ScarceBookingBlocked, BookingErrors.SlotClosed, BookingErrors.SlotFull,
                BookingErrors.SlotNotReleased, BookingErrors.WaitlistRequired, EligibilityErrors.NotEligible, ResidentsErrors.BadToken,
                ResidentsErrors.ResidentNotFound, SlotsErrors.SlotNotFound, VaccinesErrors.ProductNotFound);
        appointments.MapGet("/{id:long}", Get).WithName("GetAppointment").WithSummary("预约详情 / One of my appointments")
            .ProducesErrors(BookingErrors.AppointmentNotFound, ResidentsErrors.BadToken);
        appointments.MapDelete("/{id:long}", Cancel).WithName("CancelAppointment").WithSummary("取消预约（立即释放号源）/ Cancel an appointment (frees the place at once)")
            .WithIdempotency().RequireBookingRateLimits()
            .ProducesValidationProblem()
            .ProducesErrors(BookingErrors.AppointmentNotBooked, BookingErrors.AppointmentNotFound, BookingErrors.AppointmentPast, ResidentsErrors.BadToken);
        appointments.MapPost("/{id:long}/reschedule", Reschedule).WithName("RescheduleAppointment").WithSummary("改约 / Move an appointment to another slot")
            .WithIdempotency().RequireBookingRateLimits()
            .ProducesValidationProblem()
            .ProducesErrors(BookingErrors.AppointmentNotBooked, BookingErrors.AppointmentNotFound, BookingErrors.AppointmentPast, BookingErrors.SlotClosed,
                BookingErrors.SlotFull, BookingErrors.SlotNotReleased, EligibilityErrors.NotEligible, ResidentsErrors.BadToken,
                SlotsErrors.SlotNotFound, VaccinesErrors.ProductNotFound);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<SlotDto>>> ListSlots(long id, DateOnly? from, DateOnly? to, long? productId, BookingService booking, CancellationToken ct) =>
        TypedResults.Ok(await booking.ListSlotsAsync(id, from, to, productId, ct));

    private static async Task<Results<Created<AppointmentDto>, ProblemHttpResult>> Book(BookRequest request, ClaimsPrincipal user, BookingService booking,
        CancellationToken ct) =>
        await booking.TryBookAsync(user.AccountId(), request, ct) is { } appointment
            ? TypedResults.Created($"/api/v1/appointments/{appointment.Id}", appointment)
            // Built per answer: writing a ProblemDetails adds to its extensions (traceId), so one instance cannot be shared.
            : ProblemWriter.Result(BookingErrors.SlotFull);

    private static async Task<Ok<AppointmentDto>> Get(long id, ClaimsPrincipal user, AppointmentService appointments, CancellationToken ct) =>
        TypedResults.Ok(await appointments.GetAsync(user.AccountId(), id, ct));

    private static async Task<NoContent> Cancel(long id, [TextInput(Appointment.CancelReasonLength)] string? reason, ClaimsPrincipal user, AppointmentService appointments,
        CancellationToken ct)
    {
        await appointments.CancelAsync(user.AccountId(), id, reason, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<AppointmentDto>> Reschedule(long id, RescheduleRequest request, ClaimsPrincipal user, AppointmentService appointments, CancellationToken ct) =>
        TypedResults.Ok((await appointments.RescheduleAsync(user.AccountId(), id, request.SlotId, ct)).Appointment);
}
