using Portal.Core.Common;

namespace Portal.Core.Content;

/// <summary>Every error of content: a stable code, its status and its message in Chinese and English
/// (placeholders {0}, {1} are filled by the caller). The API answers each as ProblemDetails through one writer.</summary>
public static class ContentErrors
{
    public static readonly DomainError ArticleNotFound = new("article_not_found", ProblemKind.NotFound, "未找到该文章", "No such article");
}
