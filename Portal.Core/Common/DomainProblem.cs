namespace Portal.Core.Common;

public enum ProblemKind
{
    NotFound,
    Conflict,
    Forbidden,
    Unauthorized,
    TooManyRequests,
    Gone,
}

/// <summary>A request that is well-formed but cannot be done (slot full, not yours, code expired...).
/// The API maps <see cref="Kind"/> to a status code and answers ProblemDetails in both languages.</summary>
public sealed class DomainProblemException(ProblemKind kind, string code, Bilingual message, TimeSpan? retryAfter = null)
    : Exception(message.ToString())
{
    public ProblemKind Kind { get; } = kind;
    /// <summary>Stable machine-readable code, e.g. "slot_full".</summary>
    public string Code { get; } = code;
    public Bilingual Bilingual { get; } = message;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
