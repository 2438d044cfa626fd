using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Vaccines;
using Portal.Core.Common;

namespace Portal.Api;

public static class VaccinesApi
{
    public static RouteHandlerBuilder MapVaccinesApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/traceability", Lookup).AllowAnonymous().WithTags("Resident: traceability")
            .WithName("TraceLot").WithSummary("疫苗追溯（批号或追溯码）/ Trace a lot by batch number or traceability code")
            .ProducesValidationProblem()
            .ProducesErrors(VaccinesErrors.LotNotFound);

    private static async Task<Ok<TraceabilityDto>> Lookup([TextInput(VaccineLot.CodeLength, TextKind.Code)] string? code, TraceabilityService traceability, CancellationToken ct) =>
        TypedResults.Ok(await traceability.LookupAsync(code, ct));
}
