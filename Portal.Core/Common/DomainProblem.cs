using System.Globalization;

namespace Portal.Core.Common;

public enum ProblemKind
{
    NotFound,
    Conflict,
    Forbidden,
    Unauthorized,
    TooManyRequests,
    Gone,
    /// <summary>422: well-formed, understood, but not acceptable as sent (an Idempotency-Key reused for another request).</summary>
    Unprocessable,
    /// <summary>400 for a request the service cannot serve as asked (an export too large), not a field's fault.</summary>
    BadRequest,
}

/// <summary>One named error of a feature's catalogue (<c>Portal.Core/&lt;Feature&gt;/&lt;Feature&gt;Errors.cs</c>): a stable
/// machine-readable code, its kind (hence its HTTP status) and its message in both languages. Placeholders {0}, {1}
/// are filled by the thrower; an error whose message is built elsewhere (eligibility's reasons) has none here.</summary>
public sealed record DomainError(string Code, ProblemKind Kind, string? Zh = null, string? En = null)
{
    /// <summary>The exception to throw, its message filled with <paramref name="args"/>.</summary>
    public DomainProblemException Exception(params object?[] args) => new(this, Message(args));

    public DomainProblemException Exception(TimeSpan retryAfter, params object?[] args) => new(this, Message(args), retryAfter);

    /// <summary>For errors whose message the caller composes.</summary>
    public DomainProblemException With(Bilingual message, TimeSpan? retryAfter = null) => new(this, message, retryAfter);

    public Bilingual Message(params object?[] args) =>
        Zh is null || En is null
            ? throw new InvalidOperationException($"{Code} has no message of its own: use With(message)")
            : new(string.Format(CultureInfo.InvariantCulture, Zh, args), string.Format(CultureInfo.InvariantCulture, En, args));
}

/// <summary>A request that is well-formed but cannot be done (slot full, not yours, code expired...), thrown as a member
/// of a feature's error catalogue. The API maps <see cref="Kind"/> to a status code and answers ProblemDetails in both languages.</summary>
public sealed class DomainProblemException : Exception
{
    public DomainProblemException(DomainError error, Bilingual message, TimeSpan? retryAfter = null) : base(message.ToString())
    {
        Error = error;
        Bilingual = message;
        RetryAfter = retryAfter is { } r && r < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : retryAfter;
    }

    public DomainError Error { get; }
    public ProblemKind Kind => Error.Kind;
    /// <summary>Stable machine-readable code, e.g. "slot_full".</summary>
    public string Code => Error.Code;
    public Bilingual Bilingual { get; }
    public TimeSpan? RetryAfter { get; }
}
