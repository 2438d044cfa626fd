using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Identity;
using Portal.Core.Injections;
using Portal.Core.Residents;

namespace Portal.Api;

/// <summary>The resident's own vaccination records (the staff's injection queries are console pages and exports; the PDA
/// records doses through PdaApi).</summary>
public static class InjectionsApi
{
    public static RouteGroupBuilder MapInjectionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/me").WithTags("Resident: records and certificate").RequireAuthorization(Policies.Resident);
        group.MapGet("/records", ListRecords).WithName("ListMyRecords").WithSummary("接种记录 / Vaccination records of a resident on the account")
            .ProducesValidationProblem()
            .ProducesErrors(ResidentsErrors.BadToken, ResidentsErrors.ResidentNotFound);
        return group;
    }

    private static async Task<Ok<IReadOnlyList<VaccinationRecordDto>>> ListRecords(long residentId, ClaimsPrincipal user, RecordsService records, CancellationToken ct) =>
        TypedResults.Ok(await records.ListAsync(user.AccountId(), residentId, ct));
}
