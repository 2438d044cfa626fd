using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Portal.Core.Common;

namespace Portal.Core.Residents.IdDocuments;

/// <summary>Checks and normalizes the ID numbers of the five document kinds a resident may register with.</summary>
public static partial class IdDocumentValidator
{
    /// <summary>The longest document number accepted at the edge (the longest kind, a passport, has 17 characters).</summary>
    public const int MaxInputLength = 32;

    private static readonly DateOnly EarliestBirthDate = new(1900, 1, 1);

    /// <summary>Validates against today's date in China (UTC+8) from <paramref name="clock"/> (the system clock when null).</summary>
    public static IdValidationResult Validate(IdDocumentKind kind, string? value, TimeProvider? clock = null) =>
        Validate(kind, value, ChinaTime.Today(clock ?? TimeProvider.System));

    /// <summary>Validates with <paramref name="today"/> as the latest allowed birth date.</summary>
    public static IdValidationResult Validate(IdDocumentKind kind, string? value, DateOnly today)
    {
        if (string.IsNullOrWhiteSpace(value))
            return IdValidationResult.Failure(IdDocumentErrors.Required);

        var number = Normalize(value);
        return kind switch
        {
            IdDocumentKind.ResidentIdCard => ValidateResidentIdCard(number, today),
            IdDocumentKind.HongKongMacauPermit => HongKongMacauPermitPattern().IsMatch(number)
                ? IdValidationResult.Success(number)
                : IdValidationResult.Failure(IdDocumentErrors.HongKongMacauPermitFormat),
            IdDocumentKind.TaiwanPermit => TaiwanPermitPattern().IsMatch(number)
                ? IdValidationResult.Success(number)
                : IdValidationResult.Failure(IdDocumentErrors.TaiwanPermitFormat),
            IdDocumentKind.ForeignPermanentResidentId => ValidateForeignPermanentResidentId(number, today),
            IdDocumentKind.Passport => PassportPattern().IsMatch(number)
                ? IdValidationResult.Success(number)
                : IdValidationResult.Failure(IdDocumentErrors.PassportFormat),
            _ => IdValidationResult.Failure(IdDocumentErrors.UnknownKind),
        };
    }

    // NFKC turns the full-width digits and letters that Chinese input methods produce (１２３Ｘ)
    // and the ideographic space into their ASCII forms before whitespace is dropped.
    private static string Normalize(string value)
    {
        var text = value.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c))
                builder.Append(char.ToUpperInvariant(c));
        }
        return builder.ToString();
    }

    // GB 11643-1999: 6-digit area code (GB/T 2260), 8-digit birth date YYYYMMDD, 3-digit sequence
    // (odd for men, even for women), 1 check character. Residence permits for people from
    // Hong Kong, Macau and Taiwan use the same layout with area codes 81, 82 and 83.
    private static IdValidationResult ValidateResidentIdCard(string number, DateOnly today)
    {
        if (number.Length != 18)
            return IdValidationResult.Failure(IdDocumentErrors.IdCardLength);
        if (!ResidentIdCardPattern().IsMatch(number))
            return IdValidationResult.Failure(IdDocumentErrors.IdCardCharacters);
        if (!IsProvinceCode(number.AsSpan(0, 2)))
            return IdValidationResult.Failure(IdDocumentErrors.IdCardArea);
        if (!TryParseBirthDate(number.AsSpan(6, 8), out var birthDate))
            return IdValidationResult.Failure(IdDocumentErrors.IdCardBirthDate);
        if (CheckBirthDateRange(birthDate, today) is { } rangeError)
            return IdValidationResult.Failure(rangeError);
        if (!Gb11643.HasValidCheckDigit(number))
            return IdValidationResult.Failure(IdDocumentErrors.IdCardCheckDigit);

        var sex = (number[16] - '0') % 2 == 1 ? Sex.Male : Sex.Female;
        return IdValidationResult.Success(number, birthDate, sex);
    }

    // Old format: 3-letter nationality code + 12 digits; its digits are not decoded here.
    // New 18-character format: '9', 2-digit issuing province code, 3-digit nationality code,
    // birth date YYYYMMDD, 3-digit sequence, GB 11643 check character.
    private static IdValidationResult ValidateForeignPermanentResidentId(string number, DateOnly today)
    {
        if (OldForeignPermanentResidentPattern().IsMatch(number))
            return IdValidationResult.Success(number);
        if (!NewForeignPermanentResidentPattern().IsMatch(number))
            return IdValidationResult.Failure(IdDocumentErrors.ForeignPermanentResidentFormat);
        if (!IsProvinceCode(number.AsSpan(1, 2)))
            return IdValidationResult.Failure(IdDocumentErrors.ForeignPermanentResidentArea);
        if (!TryParseBirthDate(number.AsSpan(6, 8), out var birthDate))
            return IdValidationResult.Failure(IdDocumentErrors.ForeignPermanentResidentBirthDate);
        if (CheckBirthDateRange(birthDate, today) is { } rangeError)
            return IdValidationResult.Failure(rangeError);
        if (!Gb11643.HasValidCheckDigit(number))
            return IdValidationResult.Failure(IdDocumentErrors.ForeignPermanentResidentCheckDigit);

        return IdValidationResult.Success(number, birthDate);
    }

    // Province-level codes of GB/T 2260, plus 71 (Taiwan) and 81/82/83 (residence permits
    // for Hong Kong, Macau and Taiwan residents).
    private static bool IsProvinceCode(ReadOnlySpan<char> twoDigits) =>
        int.TryParse(twoDigits, NumberStyles.None, CultureInfo.InvariantCulture, out var code)
        && code switch
        {
            >= 11 and <= 15 or >= 21 and <= 23 or >= 31 and <= 37 or >= 41 and <= 46
                or >= 50 and <= 54 or >= 61 and <= 65 or 71 or 81 or 82 or 83 => true,
            _ => false,
        };

    private static bool TryParseBirthDate(ReadOnlySpan<char> yyyymmdd, out DateOnly date) =>
        DateOnly.TryParseExact(yyyymmdd, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static Bilingual? CheckBirthDateRange(DateOnly birthDate, DateOnly today) =>
        birthDate > today ? IdDocumentErrors.BirthDateInFuture
        : birthDate < EarliestBirthDate ? IdDocumentErrors.BirthDateTooEarly
        : null;

    // [0-9] rather than \d, which also matches non-ASCII digits such as Arabic-Indic ones.
    [GeneratedRegex(@"^[0-9]{17}[0-9X]$")]
    private static partial Regex ResidentIdCardPattern();

    [GeneratedRegex(@"^[HM]([0-9]{8}|[0-9]{10})$")]
    private static partial Regex HongKongMacauPermitPattern();

    // The card issued since 2015 carries 8 digits; 10-digit numbers from older permits are
    // still presented, so both lengths are accepted.
    [GeneratedRegex(@"^([0-9]{8}|[0-9]{10})$")]
    private static partial Regex TaiwanPermitPattern();

    [GeneratedRegex(@"^[A-Z]{3}[0-9]{12}$")]
    private static partial Regex OldForeignPermanentResidentPattern();

    [GeneratedRegex(@"^9[0-9]{16}[0-9X]$")]
    private static partial Regex NewForeignPermanentResidentPattern();

    [GeneratedRegex(@"^[A-Z0-9]{5,17}$")]
    private static partial Regex PassportPattern();
}
