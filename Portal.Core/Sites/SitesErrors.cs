using Portal.Core.Common;

namespace Portal.Core.Sites;

/// <summary>Every error of sites: a stable code, its status and its message in Chinese and English
/// (placeholders {0}, {1} are filled by the caller). The API answers each as ProblemDetails through one writer.</summary>
public static class SitesErrors
{
    public static readonly DomainError SiteNotFound = new("site_not_found", ProblemKind.NotFound, "接种点不存在", "No such vaccination site");
}
