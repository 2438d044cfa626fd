using System.Globalization;
using System.Text;

namespace Portal.Core.Common.Privacy;

/// <summary>Masked forms of personal data for lists, exports and logs, where the full value is not needed.</summary>
public static class Masking
{
    private const char Star = '*';

    /// <summary>18-character numbers keep the first 6 and last 4 characters (310104********1234);
    /// shorter ones (passports, permits) keep 1 or 2 leading and up to 4 trailing characters, hiding at least half.</summary>
    public static string MaskIdNumber(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "";
        if (value.Length >= 18)
            return MaskMiddle(value, 6, 4);

        var lead = value.Length >= 10 ? 2 : value.Length >= 2 ? 1 : 0;
        var trail = Math.Clamp(value.Length / 2 - lead, 0, 4);
        return MaskMiddle(value, lead, trail);
    }

    /// <summary>An 11-digit mobile number keeps the first 3 and last 4 digits (138****5678); other lengths are masked like short ID numbers.</summary>
    public static string MaskPhone(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "";
        return value.Length >= 11 ? MaskMiddle(value, 3, 4) : MaskIdNumber(value);
    }

    /// <summary>张三丰 → 张*丰, 张三 → 张*; names of several words (John Smith, 阿依古丽·买买提)
    /// keep the first letter of each word: J*** S****.</summary>
    public static string MaskName(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return "";

        // Text elements, not chars: rare name characters (e.g. 𠮷) are surrogate pairs.
        var name = new StringInfo(value.Trim());
        var elements = Enumerable.Range(0, name.LengthInTextElements)
            .Select(i => name.SubstringByTextElements(i, 1))
            .ToArray();

        if (!elements.Any(IsWordSeparator))
        {
            return elements.Length switch
            {
                1 => Star.ToString(),
                2 => elements[0] + Star,
                _ => elements[0] + new string(Star, elements.Length - 2) + elements[^1],
            };
        }

        var masked = new StringBuilder();
        var atWordStart = true;
        foreach (var element in elements)
        {
            if (IsWordSeparator(element))
            {
                masked.Append(element);
                atWordStart = true;
            }
            else
            {
                masked.Append(atWordStart ? element : Star.ToString());
                atWordStart = false;
            }
        }
        return masked.ToString();
    }

    private static string MaskMiddle(string value, int lead, int trail) =>
        string.Concat(value.AsSpan(0, lead), new string(Star, value.Length - lead - trail), value.AsSpan(value.Length - trail));

    // The middle dot separates the parts of transliterated names on Chinese ID cards.
    private static bool IsWordSeparator(string element) =>
        element is " " or "·" or "•" or "・" or "-" || string.IsNullOrWhiteSpace(element);
}
