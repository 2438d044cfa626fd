using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Eligibility;
using Portal.Core.Identity;
using Portal.Core.Residents;
using Portal.Data;
using Portal.Core.Vaccines;

namespace Portal.Api;

/// <summary>The eligibility and schedule engine for residents: next doses, "may I have this on that date?",
/// and the public children's programme by birth date.</summary>
public static class EligibilityApi
{
    public static IEndpointRouteBuilder MapEligibilityApi(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/v1/me").WithTags("Resident: schedule").RequireAuthorization(Policies.Resident);
        me.MapGet("/next-doses", NextDoses).WithName("NextDoses").WithSummary("下一针查询 / Next doses of every series started")
            .ProducesErrors(ResidentsErrors.BadToken, ResidentsErrors.ResidentNotFound);
        me.MapGet("/eligibility", Eligibility).WithName("Eligibility").WithSummary("接种资格 / May this product be given on this date, and if not, why")
            .ProducesValidationProblem()
            .ProducesErrors(ResidentsErrors.BadToken, ResidentsErrors.ResidentNotFound, VaccinesErrors.ProductNotFound);

        app.MapGet("/api/v1/schedules/children", ChildrenSchedule).AllowAnonymous().WithTags("Public: schedules")
            .WithName("ChildrenSchedule").WithSummary("儿童免疫程序 / The children's programme by age for a birth date").ProducesValidationProblem()
            .ProducesErrors();
        return app;
    }

    private static async Task<Ok<NextDosesDto>> NextDoses(long residentId, ClaimsPrincipal user, PortalDbContext db, EligibilityService eligibility,
        CancellationToken ct)
    {
        await ResidentService.EnsureMemberAsync(db, user.AccountId(), residentId, ct);
        return TypedResults.Ok(await eligibility.NextDosesAsync(residentId, ct));
    }

    private static async Task<Ok<EligibilityDto>> Eligibility(long residentId, long productId, DateOnly? date, ClaimsPrincipal user, PortalDbContext db,
        EligibilityService eligibility, CancellationToken ct)
    {
        await ResidentService.EnsureMemberAsync(db, user.AccountId(), residentId, ct);
        return TypedResults.Ok(await eligibility.CheckAsync(residentId, productId, date, ct));
    }

    private static async Task<Ok<IReadOnlyList<ChildScheduleItem>>> ChildrenSchedule(DateOnly? birthDate, EligibilityService eligibility, CancellationToken ct) =>
        TypedResults.Ok(await eligibility.ChildrenScheduleAsync(birthDate, ct));
}
