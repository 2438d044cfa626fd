using System.Globalization;

namespace Portal.Core.Common;

/// <summary>A user-facing text in Simplified Chinese and English. Domain code returns these so
/// that the API (which answers in both) and the console (which picks the UI culture) agree.</summary>
public sealed record Bilingual(string Zh, string En)
{
    public string For(CultureInfo culture) => IsChinese(culture) ? Zh : En;

    /// <summary>The one "is this UI Chinese" rule: any zh culture (zh-CN, zh-Hans, zh-TW...) reads Chinese, every other English.</summary>
    public static bool IsChinese(CultureInfo culture) => culture.TwoLetterISOLanguageName == "zh";

    /// <summary>The same rule for a stored culture name ("zh-CN", "en"), which need not be one this machine knows.</summary>
    public static bool IsChinese(string cultureName) =>
        cultureName.Equals("zh", StringComparison.OrdinalIgnoreCase) || cultureName.StartsWith("zh-", StringComparison.OrdinalIgnoreCase);

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
