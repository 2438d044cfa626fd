using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;
using Portal.Core.Common;

namespace Portal.Core.Residents;

/// <summary>Mainland China mobile numbers, the only kind the resident app accepts (SMS codes go to them).</summary>
public static partial class PhoneNumbers
{
    /// <summary>The longest phone input accepted at the edge (spaces, dashes and +86 included).</summary>
    public const int MaxInputLength = 32;

    public static readonly Bilingual Required = new("请输入手机号码", "Enter the mobile number");
    public static readonly Bilingual Invalid = new(
        "请输入有效的中国大陆手机号码（11位数字，以13至19开头）",
        "Enter a valid mainland China mobile number (11 digits starting with 13 to 19)");

    /// <summary>Reduces the input to the bare 11 digits: drops spaces and dashes and a +86, 0086 or 86 prefix.</summary>
    public static bool TryNormalize(string? input, out string normalized, [NotNullWhen(false)] out Bilingual? error)
    {
        normalized = "";
        if (string.IsNullOrWhiteSpace(input))
        {
            error = Required;
            return false;
        }

        // NFKC maps full-width digits and signs typed with Chinese input methods to ASCII.
        var text = input.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c) && c != '-')
                builder.Append(c);
        }
        var digits = builder.ToString();

        // A mainland mobile number starts with 1, so 86 followed by 11 more digits can only be the country code.
        if (digits.StartsWith("+86", StringComparison.Ordinal))
            digits = digits[3..];
        else if (digits.StartsWith("0086", StringComparison.Ordinal))
            digits = digits[4..];
        else if (digits.Length == 13 && digits.StartsWith("86", StringComparison.Ordinal))
            digits = digits[2..];

        if (!MobilePattern().IsMatch(digits))
        {
            error = Invalid;
            return false;
        }

        normalized = digits;
        error = null;
        return true;
    }

    /// <summary>The normalized number, or a <see cref="DomainValidationException"/> for <paramref name="field"/>.</summary>
    public static string NormalizeOrThrow(string? input, string field) =>
        TryNormalize(input, out var normalized, out var error)
            ? normalized
            : throw new DomainValidationException(field, error);

    // [0-9] rather than \d, which also matches non-ASCII digits.
    [GeneratedRegex(@"^1[3-9][0-9]{9}$")]
    private static partial Regex MobilePattern();
}
