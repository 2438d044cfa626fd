using System.Globalization;
using System.Text;

namespace Portal.Core.Common;

/// <summary>What characters a text input may hold (see <see cref="TextRules"/>).</summary>
public enum TextKind
{
    /// <summary>One line of text: no control characters, no bidirectional overrides.</summary>
    Line,
    /// <summary>Free text over several lines (comments, feedback): tabs and line breaks allowed.</summary>
    MultiLine,
    /// <summary>A person's name: letters and marks of any script, spaces, the middle dot (·) and hyphens.</summary>
    PersonName,
    /// <summary>An identifier typed or scanned by people: ASCII letters, digits and - _ . (district codes, batch numbers,
    /// ID and archive numbers, traceability codes). Full-width digits become ASCII first.</summary>
    Code,
    /// <summary>An opaque machine string (signed payloads, verification codes): printable ASCII only, not normalised.</summary>
    Token,
    /// <summary>A password: any character but controls, kept exactly as typed (never normalised or trimmed).</summary>
    Secret,
}

/// <summary>The limit of one text input at the API edge: at most <see cref="MaxLength"/> UTF-16 code units (what
/// SQL Server's nvarchar counts; PostgreSQL counts code points, which are never more), of <see cref="Kind"/>. Put it
/// on every string of a request DTO, using the entity's own length constant where the value is stored.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class TextInputAttribute(int maxLength, TextKind kind = TextKind.Line) : Attribute
{
    public int MaxLength { get; } = maxLength;
    public TextKind Kind { get; } = kind;
}

/// <summary>The most items a collection input may hold.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class MaxItemsAttribute(int count) : Attribute
{
    public int Count { get; } = count;
}

/// <summary>
/// One set of rules for every text a caller sends: it is valid UTF-16 (no lone surrogate halves, which no database
/// can store), normalised (codes and names to NFKC, so that full-width letters and digits typed on a Chinese IME become
/// their ASCII forms; prose to NFC, so that Chinese keeps its full-width punctuation), trimmed, free of control characters (NUL is refused by PostgreSQL and silently stored by SQLite), of the kind's
/// characters, and within its length. The API edge applies it to every request (Portal/Api/InputRules.cs).
/// </summary>
public static class TextRules
{
    /// <summary>Applied to query and route strings that carry no <see cref="TextInputAttribute"/>.</summary>
    public static readonly TextInputAttribute DefaultParameter = new(128);

    /// <summary>Normalises <paramref name="value"/>; returns the error, or null with the normalised value in
    /// <paramref name="normalized"/>. A null value stays null.</summary>
    public static Bilingual? Check(string? value, TextInputAttribute rule, out string? normalized)
    {
        normalized = value;
        if (value is null) return null;
        // Checked before anything else: a huge value costs nothing more, and Normalize throws on a lone surrogate.
        if (value.Length > rule.MaxLength * 4 + 64) return TooLong(rule.MaxLength);
        if (HasLoneSurrogate(value)) return InvalidCharacters;

        var text = rule.Kind switch
        {
            TextKind.Secret or TextKind.Token => value,
            // Prose keeps its full-width punctuation (，。：), which NFKC would turn into ASCII: canonical forms only.
            TextKind.MultiLine => value.Normalize(NormalizationForm.FormC).Replace("\r\n", "\n", StringComparison.Ordinal).Trim(),
            TextKind.Line => value.Normalize(NormalizationForm.FormC).Trim(),
            _ => value.Normalize(NormalizationForm.FormKC).Trim(),
        };
        if (text.Length > rule.MaxLength) return TooLong(rule.MaxLength);

        foreach (var rune in text.EnumerateRunes())
        {
            if (!Allowed(rune, rule.Kind))
                return rule.Kind switch
                {
                    TextKind.PersonName when !IsForbiddenEverywhere(rune) => NameCharacters,
                    TextKind.Code when !IsForbiddenEverywhere(rune) => CodeCharacters,
                    TextKind.Token => TokenCharacters,
                    _ => InvalidCharacters,
                };
        }
        normalized = text;
        return null;
    }

    /// <summary>True when the string holds a high surrogate without its low half or the other way round.</summary>
    public static bool HasLoneSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1])) return true;
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The longest prefix of <paramref name="value"/> of at most <paramref name="length"/> code units that does
    /// not end inside a surrogate pair (a cut in the middle of one makes a string no database encoder accepts).</summary>
    public static string Prefix(string value, int length)
    {
        if (value.Length <= length) return value;
        if (length > 0 && char.IsHighSurrogate(value[length - 1])) length--;
        return value[..length];
    }

    private static bool Allowed(Rune rune, TextKind kind)
    {
        switch (kind)
        {
            case TextKind.Token:
                return rune.Value is >= 0x21 and <= 0x7E;
            case TextKind.Code:
                return rune.IsAscii && (Rune.IsLetterOrDigit(rune) || rune.Value is '-' or '_' or '.');
            case TextKind.PersonName:
                if (rune.Value is ' ' or '·' or '・' or '-' or '.' or '\'') return true;
                var category = Rune.GetUnicodeCategory(rune);
                return Rune.IsLetter(rune) || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
            case TextKind.MultiLine:
                return rune.Value is '\n' or '\t' || !IsForbiddenEverywhere(rune);
            default:
                return !IsForbiddenEverywhere(rune);
        }
    }

    /// <summary>Control characters (NUL among them), and the bidirectional overrides and isolates that can make a
    /// text read differently from what it holds.</summary>
    private static bool IsForbiddenEverywhere(Rune rune) =>
        Rune.GetUnicodeCategory(rune) == UnicodeCategory.Control
        || rune.Value is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069
        || rune.Value is 0xFEFF or 0xFFFE or 0xFFFF;

    private static Bilingual TooLong(int max) => new($"不能超过{max}个字符", $"At most {max} characters");

    /// <summary>The message for text holding a control character or an invalid encoding (a lone surrogate).</summary>
    public static readonly Bilingual InvalidCharacters =
        new("含有不允许的字符（控制字符或无效编码）", "Contains characters that are not allowed (control characters or invalid encoding)");

    private static readonly Bilingual NameCharacters =
        new("姓名只能包含文字、空格、间隔号（·）和连字符", "A name may contain only letters, spaces, the middle dot (·) and hyphens");

    private static readonly Bilingual CodeCharacters =
        new("只能包含字母、数字和 - _ .", "Only letters, digits and - _ . are allowed");

    private static readonly Bilingual TokenCharacters =
        new("只能包含可见的ASCII字符", "Only printable ASCII characters are allowed");
}
