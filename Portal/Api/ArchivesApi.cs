using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Archives;
using Portal.Core.Identity;
using Portal.Core.Residents;
using Portal.Core.Sites;

namespace Portal.Api;

public static class ArchivesApi
{
    public static RouteGroupBuilder MapArchivesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/me/archives").WithTags("Resident: archives").RequireAuthorization(Policies.Resident);
        group.MapPost("/bind", Bind).WithName("BindArchive")
            .WithSummary("档案绑定（档案编号，或证件号码+姓名+手机号）/ Bind an existing archive")
            .ProducesValidationProblem()
            .ProducesErrors(ArchivesErrors.AlreadyRequested, ArchivesErrors.ArchiveNotFound, ResidentsErrors.BadToken, ResidentsErrors.ResidentNotFound);
        group.MapPost("/requests", Request).WithName("RequestArchive")
            .WithSummary("自助建档或迁档申请 / Ask for a new archive (Create) or a transfer (Transfer)")
            .ProducesValidationProblem()
            .ProducesErrors(ArchivesErrors.AlreadyRequested, ArchivesErrors.ArchiveExists, ArchivesErrors.ArchiveNotFound, ResidentsErrors.BadToken,
                ResidentsErrors.ResidentNotFound, SitesErrors.SiteNotFound);
        group.MapGet("/requests", List).WithName("ListMyArchiveRequests").WithSummary("我的档案申请及审核结果 / My archive requests and their status")
            .ProducesErrors(ResidentsErrors.BadToken);
        return group;
    }

    private static async Task<Created<ArchiveRequestDto>> Bind(BindArchiveRequest request, ClaimsPrincipal user, ArchiveService archives, CancellationToken ct)
    {
        var result = await archives.BindArchiveAsync(user.AccountId(), request, ct);
        return TypedResults.Created($"/api/v1/me/archives/requests/{result.Id}", result);
    }

    private static async Task<Created<ArchiveRequestDto>> Request(CreateArchiveRequest request, ClaimsPrincipal user, ArchiveService archives, CancellationToken ct)
    {
        var result = await archives.RequestAsync(user.AccountId(), request, ct);
        return TypedResults.Created($"/api/v1/me/archives/requests/{result.Id}", result);
    }

    private static async Task<Ok<IReadOnlyList<ArchiveRequestDto>>> List(ClaimsPrincipal user, ArchiveService archives, CancellationToken ct) =>
        TypedResults.Ok(await archives.ListForAccountAsync(user.AccountId(), ct));
}
