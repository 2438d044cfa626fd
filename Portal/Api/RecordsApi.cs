using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Identity;
using Portal.Core.Injections;

namespace Portal.Api;

public static class RecordsApi
{
    public static RouteGroupBuilder MapRecordsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/me").WithTags("Resident: records and certificate").RequireAuthorization(Policies.Resident);
        group.MapGet("/records", ListRecords).WithName("ListMyRecords").WithSummary("接种记录 / Vaccination records of a resident on the account")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Ok<IReadOnlyList<VaccinationRecordDto>>> ListRecords(long residentId, ClaimsPrincipal user, RecordsService records, CancellationToken ct) =>
        TypedResults.Ok(await records.ListAsync(user.AccountId(), residentId, ct));
}

/// <summary>Maps every resident-side API beyond booking (records, certificates, clinics, content,
/// traceability, archives, feedback, questionnaires): one line in Program.cs.</summary>
public static class ResidentServicesApi
{
    public static IEndpointRouteBuilder MapResidentServicesApi(this IEndpointRouteBuilder app)
    {
        app.MapRecordsApi();
        app.MapCertificatesApi();
        app.MapSitesApi();
        app.MapContentApi();
        app.MapTraceabilityApi();
        app.MapArchivesApi();
        app.MapFeedbackApi();
        app.MapQuestionnairesApi();
        return app;
    }
}
