using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Consents;
using Portal.Core.Identity;
using Portal.Core.Common;
using Portal.Core.Vaccines;
using Portal.Core.Residents;

namespace Portal.Api;

public static class ConsentsApi
{
    public static IEndpointRouteBuilder MapConsentsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/questionnaires", List).AllowAnonymous().WithTags("Resident: questionnaires").WithName("ListQuestionnaires")
            .WithSummary("预约接种问卷 / Pre-booking health questionnaires")
            .ProducesErrors(ConsentsErrors.ProgrammeNotFound);
        app.MapPost("/api/v1/me/questionnaires/{id:long}/responses", Submit).RequireAuthorization(Policies.Resident)
            .WithTags("Resident: questionnaires").WithName("SubmitQuestionnaire")
            .WithSummary("提交问卷（标记禁忌症）/ Answer a questionnaire (flags contraindications)")
            .ProducesValidationProblem()
            .ProducesErrors(ConsentsErrors.QuestionnaireNotFound, ResidentsErrors.BadToken, ResidentsErrors.ResidentNotFound);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<QuestionnaireDto>>> List([TextInput(VaccineProgramme.CodeLength, TextKind.Code)] string? programme, QuestionnaireService questionnaires, CancellationToken ct) =>
        TypedResults.Ok(await questionnaires.ListAsync(programme, ct));

    private static async Task<Created<QuestionnaireResponseDto>> Submit(long id, SubmitQuestionnaireRequest request, ClaimsPrincipal user,
        QuestionnaireService questionnaires, CancellationToken ct)
    {
        var response = await questionnaires.SubmitAsync(user.AccountId(), id, request, ct);
        return TypedResults.Created($"/api/v1/me/questionnaires/{id}/responses/{response.Id}", response);
    }
}
