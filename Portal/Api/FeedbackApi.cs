using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Feedback;
using Portal.Core.Identity;
using Portal.Core.Residents;
using Portal.Core.Sites;

namespace Portal.Api;

public static class FeedbackApi
{
    public static RouteGroupBuilder MapFeedbackApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/me/feedback").WithTags("Resident: feedback").RequireAuthorization(Policies.Resident);
        group.MapPost("/", Submit).WithName("SubmitFeedback")
            .WithSummary("满意度评价与意见反馈 / Rate a visit or send a suggestion or complaint")
            .ProducesValidationProblem()
            .ProducesErrors(FeedbackErrors.AlreadyRated, FeedbackErrors.InjectionNotFound, ResidentsErrors.BadToken, SitesErrors.SiteNotFound);
        group.MapGet("/", List).WithName("ListMyFeedback").WithSummary("我的反馈 / My feedback and replies")
            .ProducesErrors(ResidentsErrors.BadToken);
        return group;
    }

    private static async Task<Created<FeedbackDto>> Submit(SubmitFeedbackRequest request, ClaimsPrincipal user, FeedbackService feedback, CancellationToken ct)
    {
        var item = await feedback.SubmitAsync(user.AccountId(), request, ct);
        return TypedResults.Created($"/api/v1/me/feedback/{item.Id}", item);
    }

    private static async Task<Ok<IReadOnlyList<FeedbackDto>>> List(ClaimsPrincipal user, FeedbackService feedback, CancellationToken ct) =>
        TypedResults.Ok(await feedback.ListAsync(user.AccountId(), ct));
}
