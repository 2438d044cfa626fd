using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Clinics;
using Portal.Core.Areas;
using Portal.Core.Common;

namespace Portal.Api;

public static class ClinicsApi
{
    public static RouteGroupBuilder MapClinicsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/clinics").WithTags("Resident: clinics").AllowAnonymous();
        group.MapGet("/", Search).WithName("SearchClinics")
            .WithSummary("门诊查询（按区、街道、疫苗）/ Find clinics by district, street and vaccine, with hours and announcements")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:long}", Get).WithName("GetClinic").WithSummary("门诊详情 / One clinic")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Ok<IReadOnlyList<ClinicDto>>> Search([TextInput(District.CodeLength, TextKind.Code)] string? district,
        [TextInput(Street.CodeLength, TextKind.Code)] string? street, long? productId, ClinicService clinics, CancellationToken ct) =>
        TypedResults.Ok(await clinics.SearchAsync(district, street, productId, ct));

    private static async Task<Ok<ClinicDto>> Get(long id, long? productId, ClinicService clinics, CancellationToken ct) =>
        TypedResults.Ok(await clinics.GetAsync(id, productId, ct));
}
