using Portal.Core.Common;

namespace Portal.Core.Eligibility;

/// <summary>Every error of eligibility: a stable code, its status and its message in Chinese and English
/// (placeholders {0}, {1} are filled by the caller). The API answers each as ProblemDetails through one writer.</summary>
public static class EligibilityErrors
{
    /// <summary>Message given by the caller.</summary>
    public static readonly DomainError NotEligible = new("not_eligible", ProblemKind.Conflict);
}
