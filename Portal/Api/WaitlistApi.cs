using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Identity;
using Portal.Core.Waitlist;
using Portal.Core.Booking;
using Portal.Core.Eligibility;
using Portal.Core.Residents;
using Portal.Core.Vaccines;

namespace Portal.Api;

/// <summary>The resident side of the scarce-vaccine waitlist. Accepting an offer is booking with it:
/// POST /api/v1/appointments with {slotId, residentId, offerId}. Staff use the console page (/waitlist).</summary>
public static class WaitlistApi
{
    public static IEndpointRouteBuilder MapWaitlistApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/waitlist").WithTags("Resident: waitlist").RequireAuthorization(Policies.Resident);
        group.MapPost("/", Register).WithIdempotency().WithName("RegisterWaitlist").WithSummary("紧缺疫苗登记排队 / Register interest in a scarce vaccine")
            .ProducesValidationProblem()
            .ProducesErrors(BookingErrors.ScarceBookingBlocked, EligibilityErrors.NotEligible, ResidentsErrors.BadToken, ResidentsErrors.ResidentNotFound,
                VaccinesErrors.ProductNotFound, WaitlistErrors.AlreadyRegistered, WaitlistErrors.WaitlistNotNeeded);
        group.MapGet("/", List).WithName("ListWaitlist").WithSummary("我的排队登记、位置与名额 / My waitlist entries, positions and offers")
            .ProducesErrors(ResidentsErrors.BadToken);
        group.MapDelete("/{id:long}", Withdraw).WithName("WithdrawWaitlist").WithSummary("撤回登记 / Withdraw from the waitlist")
            .ProducesErrors(ResidentsErrors.BadToken, WaitlistErrors.OfferNotOpen, WaitlistErrors.WaitlistEntryBooked, WaitlistErrors.WaitlistEntryClosed,
                WaitlistErrors.WaitlistEntryNotFound);
        group.MapPost("/offers/{id:long}/decline", Decline).WithName("DeclineWaitlistOffer").WithSummary("放弃名额（顺延给下一位）/ Decline an offer (it passes to the next person)")
            .ProducesErrors(ResidentsErrors.BadToken, WaitlistErrors.OfferNotFound, WaitlistErrors.OfferNotOpen, WaitlistErrors.WaitlistEntryNotFound);
        return app;
    }

    private static async Task<Created<WaitlistEntryDto>> Register(RegisterInterestRequest request, ClaimsPrincipal user, WaitlistService waitlist, CancellationToken ct)
    {
        var entry = await waitlist.RegisterAsync(user.AccountId(), request, ct);
        return TypedResults.Created("/api/v1/waitlist", entry);
    }

    private static async Task<Ok<IReadOnlyList<WaitlistEntryDto>>> List(ClaimsPrincipal user, WaitlistService waitlist, CancellationToken ct) =>
        TypedResults.Ok(await waitlist.ListForAccountAsync(user.AccountId(), ct));

    private static async Task<NoContent> Withdraw(long id, ClaimsPrincipal user, WaitlistService waitlist, CancellationToken ct)
    {
        await waitlist.WithdrawAsync(user.AccountId(), id, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Decline(long id, ClaimsPrincipal user, WaitlistService waitlist, CancellationToken ct)
    {
        await waitlist.DeclineAsync(user.AccountId(), id, ct);
        return TypedResults.NoContent();
    }
}
