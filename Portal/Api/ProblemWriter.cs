using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Portal.Core.Common;

namespace Portal.Api;

/// <summary>The one place the bilingual ProblemDetails of a domain error is built: status from its kind, <c>code</c>,
/// <c>title</c> in both languages, <c>titleZh</c>/<c>titleEn</c>. The exception handler, the idempotency filter, the rate
/// limiter and the exports all answer through it; <see cref="FrameworkProblems"/> fills in the framework's own answers.</summary>
public static class ProblemWriter
{
    public static int StatusOf(ProblemKind kind) => kind switch
    {
        ProblemKind.NotFound => StatusCodes.Status404NotFound,
        ProblemKind.Conflict => StatusCodes.Status409Conflict,
        ProblemKind.Forbidden => StatusCodes.Status403Forbidden,
        ProblemKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ProblemKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
        ProblemKind.Gone => StatusCodes.Status410Gone,
        ProblemKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        _ => StatusCodes.Status400BadRequest,
    };

    public static ProblemDetails Create(DomainError error, Bilingual message, IEnumerable<KeyValuePair<string, object?>>? extensions = null)
    {
        var problem = new ProblemDetails
        {
            Status = StatusOf(error.Kind),
            Title = message.ToString(),
            Detail = message.En,
            Extensions = { ["code"] = error.Code, ["titleZh"] = message.Zh, ["titleEn"] = message.En },
        };
        foreach (var (k, v) in extensions ?? []) problem.Extensions[k] = v;
        return problem;
    }

    public static ProblemDetails Create(DomainProblemException e) => Create(e.Error, e.Bilingual);

    /// <summary>For handlers that answer an error without throwing (hot paths, filters).</summary>
    public static ProblemHttpResult Result(DomainError error, params object?[] args) => TypedResults.Problem(Create(error, error.Message(args)));

    public static ProblemHttpResult Result(DomainError error, Bilingual message, IEnumerable<KeyValuePair<string, object?>>? extensions = null) =>
        TypedResults.Problem(Create(error, message, extensions));
}
