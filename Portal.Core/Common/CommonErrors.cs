namespace Portal.Core.Common;

/// <summary>Errors that belong to no one feature: the request limits every route shares.</summary>
public static class CommonErrors
{
    public static readonly DomainError RateLimited = new("rate_limited", ProblemKind.TooManyRequests, "请求过于频繁，请{0}秒后重试", "Too many requests: retry in {0} s");
}
