using System.Globalization;

namespace Portal.Core.Common;

/// <summary>A user-facing text in Simplified Chinese and English. Domain code returns these so
/// that the API (which answers in both) and the console (which picks the UI culture) agree.</summary>
public sealed record Bilingual(string Zh, string En)
{
    public string For(CultureInfo culture) =>
        culture.TwoLetterISOLanguageName == "zh" ? Zh : En;

    public string ForCurrentUiCulture() => For(CultureInfo.CurrentUICulture);

    /// <summary>Both languages, Chinese first: what API error messages carry.</summary>
    public override string ToString() => $"{Zh} ({En})";
}

/// <summary>One failed rule on one input field.</summary>
public sealed record FieldError(string Field, Bilingual Message);

/// <summary>Thrown by services for input that breaks a rule; the API turns it into a 400
/// ProblemDetails with field-level messages.</summary>
public sealed class DomainValidationException(IReadOnlyList<FieldError> errors)
    : Exception(string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")))
{
    public DomainValidationException(string field, Bilingual message) : this([new FieldError(field, message)]) { }

    public IReadOnlyList<FieldError> Errors { get; } = errors;

    public IDictionary<string, string[]> ToDictionary() =>
        Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message.ToString()).ToArray());
}
