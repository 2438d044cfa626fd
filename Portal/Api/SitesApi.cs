using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Sites;
using Portal.Core.Areas;
using Portal.Core.Common;
using Portal.Core.Vaccines;

namespace Portal.Api;

/// <summary>The resident app's two views of the one site directory: the plain list and the clinic finder (门诊查询).</summary>
public static class SitesApi
{
    public static IEndpointRouteBuilder MapSitesApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/sites").WithTags("Resident: sites and slots").AllowAnonymous()
            .MapGet("/", List).WithName("ListSites").WithSummary("接种点列表 / Vaccination sites")
            .ProducesValidationProblem()
            .ProducesErrors(AreasErrors.DistrictNotFound, AreasErrors.StreetNotFound);

        var group = app.MapGroup("/api/v1/clinics").WithTags("Resident: clinics").AllowAnonymous();
        group.MapGet("/", Search).WithName("SearchClinics")
            .WithSummary("门诊查询（按区、街道、疫苗）/ Find clinics by district, street and vaccine, with hours and announcements")
            .ProducesValidationProblem()
            .ProducesErrors(AreasErrors.DistrictNotFound, AreasErrors.StreetNotFound, VaccinesErrors.ProductNotFound);
        group.MapGet("/{id:long}", Get).WithName("GetClinic").WithSummary("门诊详情 / One clinic")
            .ProducesValidationProblem()
            .ProducesErrors(SitesErrors.SiteNotFound, VaccinesErrors.ProductNotFound);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<SiteSummary>>> List([TextInput(District.CodeLength, TextKind.Code)] string? district, SiteDirectory sites,
        CancellationToken ct) =>
        TypedResults.Ok(await sites.ListAsync(district, ct));

    private static async Task<Ok<IReadOnlyList<SiteDetails>>> Search([TextInput(District.CodeLength, TextKind.Code)] string? district,
        [TextInput(Street.CodeLength, TextKind.Code)] string? street, long? productId, SiteDirectory clinics, CancellationToken ct) =>
        TypedResults.Ok(await clinics.SearchAsync(district, street, productId, ct));

    private static async Task<Ok<SiteDetails>> Get(long id, long? productId, SiteDirectory clinics, CancellationToken ct) =>
        TypedResults.Ok(await clinics.GetAsync(id, productId, ct));
}
