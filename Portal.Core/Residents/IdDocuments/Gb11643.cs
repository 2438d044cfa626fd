namespace Portal.Core.Residents.IdDocuments;

/// <summary>The check digit of GB 11643-1999 (citizen identity number), which is ISO 7064 MOD 11-2.
/// The new 18-digit foreign permanent resident ID uses the same algorithm.</summary>
public static class Gb11643
{
    // Weight of position i is 2^(17-i) mod 11, as listed in GB 11643-1999.
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    // Index is the weighted sum mod 11; the value is the check character.
    private const string CheckCharacters = "10X98765432";

    /// <summary>The 18th character for the given first 17 digits ('0'-'9' or 'X').</summary>
    /// <exception cref="ArgumentException">Not exactly 17 ASCII digits.</exception>
    public static char ComputeCheckDigit(ReadOnlySpan<char> first17)
    {
        if (first17.Length != 17)
            throw new ArgumentException("Exactly 17 digits are needed.", nameof(first17));

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(first17[i]))
                throw new ArgumentException("Only ASCII digits are allowed.", nameof(first17));
            sum += (first17[i] - '0') * Weights[i];
        }
        return CheckCharacters[sum % 11];
    }

    /// <summary>Whether an 18-character number (upper-case X) carries the right check digit.</summary>
    public static bool HasValidCheckDigit(ReadOnlySpan<char> number18) =>
        number18.Length == 18
        && !number18[..17].ContainsAnyExceptInRange('0', '9')
        && ComputeCheckDigit(number18[..17]) == number18[17];
}
