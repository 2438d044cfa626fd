using Portal.Core.Common;

namespace Portal.Core.Feedback;

/// <summary>Every error of feedback: a stable code, its status and its message in Chinese and English
/// (placeholders {0}, {1} are filled by the caller). The API answers each as ProblemDetails through one writer.</summary>
public static class FeedbackErrors
{
    public static readonly DomainError AlreadyRated = new("already_rated", ProblemKind.Conflict, "该次接种已评价", "This dose has already been rated");

    public static readonly DomainError InjectionNotFound = new("injection_not_found", ProblemKind.NotFound, "未找到该接种记录", "No such dose on this account");
}
