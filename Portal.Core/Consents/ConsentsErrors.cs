using Portal.Core.Common;

namespace Portal.Core.Consents;

/// <summary>Every error of consents: a stable code, its status and its message in Chinese and English
/// (placeholders {0}, {1} are filled by the caller). The API answers each as ProblemDetails through one writer.</summary>
public static class ConsentsErrors
{
    public static readonly DomainError ProgrammeNotFound = new("programme_not_found", ProblemKind.NotFound, "未找到该疫苗项目", "No such programme");

    public static readonly DomainError QuestionnaireNotFound = new("questionnaire_not_found", ProblemKind.NotFound, "未找到该问卷", "No such questionnaire");
}
