using System.Diagnostics.CodeAnalysis;
using Portal.Core.Common;

namespace Portal.Core.Residents.IdDocuments;

/// <summary>The outcome of checking an ID number: either the normalized number (plus, where the
/// number encodes them, birth date and sex) or a message saying what is wrong.</summary>
public sealed record IdValidationResult
{
    private IdValidationResult() { }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Error is null;

    /// <summary>Trimmed, upper-case, without spaces; empty when invalid.</summary>
    public string Normalized { get; private init; } = "";

    /// <summary>Present when the number encodes the birth date (resident ID card, new foreign permanent resident ID).</summary>
    public DateOnly? BirthDate { get; private init; }

    /// <summary><see cref="Sex.Unknown"/> unless the number encodes it (resident ID card).</summary>
    public Sex Sex { get; private init; }

    public Bilingual? Error { get; private init; }

    public static IdValidationResult Success(string normalized, DateOnly? birthDate = null, Sex sex = Sex.Unknown) =>
        new() { Normalized = normalized, BirthDate = birthDate, Sex = sex };

    public static IdValidationResult Failure(Bilingual error) => new() { Error = error };

    /// <summary>Returns this result when valid; otherwise throws a <see cref="DomainValidationException"/> for <paramref name="field"/>.</summary>
    public IdValidationResult ThrowIfInvalid(string field) =>
        IsValid ? this : throw new DomainValidationException(field, Error);
}
