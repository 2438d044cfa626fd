using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Content;
using Portal.Core.Areas;
using Portal.Core.Common;
using Portal.Core.Vaccines;
using Portal.Core.Sites;

namespace Portal.Api;

public static class ContentApi
{
    public static IEndpointRouteBuilder MapContentApi(this IEndpointRouteBuilder app)
    {
        var knowledge = app.MapGroup("/api/v1/knowledge").WithTags("Resident: knowledge and announcements").AllowAnonymous();
        knowledge.MapGet("/", ListKnowledge).WithName("ListKnowledge").WithSummary("疫苗知识 / Vaccine knowledge articles")
            .ProducesErrors();
        knowledge.MapGet("/{id:long}", GetKnowledge).WithName("GetKnowledge").WithSummary("疫苗知识文章 / One article")
            .ProducesErrors(ContentErrors.ArticleNotFound);
        app.MapGet("/api/v1/announcements", ListAnnouncements).AllowAnonymous().WithTags("Resident: knowledge and announcements")
            .WithName("ListAnnouncements").WithSummary("公告（全市、区、接种点）/ Announcements: city-wide, district, site")
            .ProducesValidationProblem()
            .ProducesErrors(SitesErrors.SiteNotFound);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<KnowledgeSummaryDto>>> ListKnowledge([TextInput(VaccineProgramme.CodeLength, TextKind.Code)] string? programme, ContentService content, CancellationToken ct) =>
        TypedResults.Ok(await content.ListKnowledgeAsync(programme, ct));

    private static async Task<Ok<KnowledgeArticleDto>> GetKnowledge(long id, ContentService content, CancellationToken ct) =>
        TypedResults.Ok(await content.GetKnowledgeAsync(id, ct));

    private static async Task<Ok<IReadOnlyList<AnnouncementDto>>> ListAnnouncements([TextInput(District.CodeLength, TextKind.Code)] string? district, long? siteId, ContentService content, CancellationToken ct) =>
        TypedResults.Ok(await content.ListAnnouncementsAsync(district, siteId, ct));
}
