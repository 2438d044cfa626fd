using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Booking;
using Portal.Core.Identity;
using Portal.Data;

namespace Portal.Api;

public sealed record SiteSummary(long Id, string Code, string Name, string DistrictCode, string DistrictName, string Address, string Phone);

public static class AppointmentsApi
{
    public static IEndpointRouteBuilder MapAppointmentsApi(this IEndpointRouteBuilder app)
    {
        var sites = app.MapGroup("/api/v1/sites").WithTags("Resident: sites and slots").AllowAnonymous();
        sites.MapGet("/", ListSites).WithName("ListSites").WithSummary("接种点列表 / Vaccination sites");
        sites.MapGet("/{id:long}/slots", ListSlots).WithName("ListSlots").WithSummary("号源 / Slots of a site")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        var appointments = app.MapGroup("/api/v1/appointments").WithTags("Resident: appointments").RequireAuthorization(Policies.Resident);
        appointments.MapPost("/", Book).WithName("Book").WithSummary("预约 / Book a slot")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Ok<List<SiteSummary>>> ListSites(string? district, PortalDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.Sites.AsNoTracking().Where(s => s.IsActive && (district == null || s.DistrictCode == district))
            .Join(db.Districts, s => s.DistrictCode, d => d.Code, (s, d) => new SiteSummary(s.Id, s.Code, s.Name, s.DistrictCode, d.Name, s.Address, s.Phone))
            .OrderBy(s => s.Code).ToListAsync(ct));

    private static async Task<Ok<IReadOnlyList<SlotDto>>> ListSlots(long id, DateOnly? from, DateOnly? to, long? productId, BookingService booking, CancellationToken ct) =>
        TypedResults.Ok(await booking.ListSlotsAsync(id, from, to, productId, ct));

    private static async Task<Created<AppointmentDto>> Book(BookRequest request, ClaimsPrincipal user, BookingService booking, CancellationToken ct)
    {
        var appointment = await booking.BookAsync(user.AccountId(), request, ct);
        return TypedResults.Created($"/api/v1/appointments/{appointment.Id}", appointment);
    }
}
