using Portal.Core.Common;
using Portal.Core.Residents;
using Portal.Core.Residents.IdDocuments;

namespace Portal.Tests.Unit;

// Every valid vector with a check digit was verified with an independent MOD 11-2 implementation.
public class IdDocumentValidatorTests
{
    private static readonly DateOnly Today = new(2025, 6, 1);

    [Theory]
    [InlineData("11010519491231002X", "1949-12-31", Sex.Female)]
    [InlineData("310104199001011233", "1990-01-01", Sex.Male)]
    [InlineData("440308200002291231", "2000-02-29", Sex.Male)]
    [InlineData("120105202002290049", "2020-02-29", Sex.Female)]
    [InlineData("320583201010100026", "2010-10-10", Sex.Female)]
    [InlineData("420101198512030120", "1985-12-03", Sex.Female)]
    [InlineData("13010219750615981X", "1975-06-15", Sex.Male)]
    [InlineData("330102190001010011", "1900-01-01", Sex.Male)]
    [InlineData("110105202506010010", "2025-06-01", Sex.Male)]
    [InlineData("810000199905050013", "1999-05-05", Sex.Male)] // Hong Kong residents' residence permit
    public void Resident_id_card_is_accepted_with_birth_date_and_sex(string number, string birthDate, Sex sex)
    {
        var result = IdDocumentValidator.Validate(IdDocumentKind.ResidentIdCard, number, Today);

        Assert.True(result.IsValid, result.Error?.En);
        Assert.Equal(number, result.Normalized);
        Assert.Equal(DateOnly.Parse(birthDate), result.BirthDate);
        Assert.Equal(sex, result.Sex);
        Assert.Null(result.Error);
    }

    [Theory]
    [InlineData("11010519491231002x")]
    [InlineData(" 110105 19491231 002x ")]
    [InlineData("１１０１０５１９４９１２３１００２ｘ")] // full-width, as Chinese input methods type it
    [InlineData("110105\u300019491231002X")] // ideographic space
    public void Resident_id_card_is_normalized(string input)
    {
        var result = IdDocumentValidator.Validate(IdDocumentKind.ResidentIdCard, input, Today);

        Assert.True(result.IsValid, result.Error?.En);
        Assert.Equal("11010519491231002X", result.Normalized);
    }

    public static TheoryData<string, Bilingual> InvalidResidentIdCards => new()
    {
        { "310104199001011234", IdDocumentErrors.IdCardCheckDigit },
        { "110105194912310021", IdDocumentErrors.IdCardCheckDigit },
        { "310104199002301232", IdDocumentErrors.IdCardBirthDate },  // 30 February, check digit right
        { "310104199013011233", IdDocumentErrors.IdCardBirthDate },  // month 13
        { "110105202506020016", IdDocumentErrors.BirthDateInFuture }, // tomorrow, check digit right
        { "310104189912310016", IdDocumentErrors.BirthDateTooEarly }, // 1899-12-31, check digit right
        { "99010419900101123X", IdDocumentErrors.IdCardArea },
        { "100104199001011234", IdDocumentErrors.IdCardArea },
        { "31010419900101123", IdDocumentErrors.IdCardLength },
        { "3101041990010112330", IdDocumentErrors.IdCardLength },
        { "310104900101123", IdDocumentErrors.IdCardLength }, // the old 15-digit card is no longer accepted
        { "3101041990010112A3", IdDocumentErrors.IdCardCharacters },
        { "31010419900101X233", IdDocumentErrors.IdCardCharacters },
        { "٣10104199001011233", IdDocumentErrors.IdCardCharacters }, // Arabic-Indic digit
    };

    [Theory]
    [MemberData(nameof(InvalidResidentIdCards))]
    public void Resident_id_card_is_rejected_with_the_reason(string number, Bilingual expected)
    {
        var result = IdDocumentValidator.Validate(IdDocumentKind.ResidentIdCard, number, Today);

        Assert.False(result.IsValid);
        Assert.Equal(expected, result.Error);
        Assert.Equal("", result.Normalized);
        Assert.Null(result.BirthDate);
    }

    [Fact]
    public void Check_digit_error_message_is_bilingual()
    {
        var result = IdDocumentValidator.Validate(IdDocumentKind.ResidentIdCard, "310104199001011234", Today);

        Assert.Equal("身份证号码校验位错误", result.Error?.Zh);
        Assert.Equal("The ID card number's check digit is wrong", result.Error?.En);
    }

    [Theory]
    [InlineData("2025-06-01T15:59:00Z", false)] // 23:59 on 1 June in Shanghai
    [InlineData("2025-06-01T16:00:00Z", true)]  // 00:00 on 2 June in Shanghai
    public void Clock_overload_uses_the_date_in_China(string utcNow, bool valid)
    {
        var clock = new FixedClock(DateTimeOffset.Parse(utcNow));

        var result = IdDocumentValidator.Validate(IdDocumentKind.ResidentIdCard, "110105202506020016", clock);

        Assert.Equal(valid, result.IsValid);
    }

    [Theory]
    [InlineData("H12345678", "H12345678")]
    [InlineData("M1234567801", "M1234567801")]
    [InlineData("h 1234 5678", "H12345678")]
    public void Hong_Kong_Macau_permit_is_accepted(string input, string normalized) =>
        AssertValid(IdDocumentKind.HongKongMacauPermit, input, normalized);

    [Theory]
    [InlineData("H1234567")]
    [InlineData("H123456789")]
    [InlineData("M12345678901")]
    [InlineData("A12345678")]
    [InlineData("12345678")]
    [InlineData("HM12345678")]
    public void Hong_Kong_Macau_permit_is_rejected(string input) =>
        AssertInvalid(IdDocumentKind.HongKongMacauPermit, input, IdDocumentErrors.HongKongMacauPermitFormat);

    [Theory]
    [InlineData("12345678", "12345678")]
    [InlineData("1234567890", "1234567890")]
    [InlineData(" 1234 5678 ", "12345678")]
    public void Taiwan_permit_is_accepted(string input, string normalized) =>
        AssertValid(IdDocumentKind.TaiwanPermit, input, normalized);

    [Theory]
    [InlineData("1234567")]
    [InlineData("123456789")]
    [InlineData("12345678901")]
    [InlineData("12345678A")]
    [InlineData("T12345678")]
    public void Taiwan_permit_is_rejected(string input) =>
        AssertInvalid(IdDocumentKind.TaiwanPermit, input, IdDocumentErrors.TaiwanPermitFormat);

    [Theory]
    [InlineData("93184019850315001X", "1985-03-15")]
    [InlineData("91101620000101001x", "2000-01-01")]
    public void New_foreign_permanent_resident_id_is_accepted_with_birth_date(string input, string birthDate)
    {
        var result = IdDocumentValidator.Validate(IdDocumentKind.ForeignPermanentResidentId, input, Today);

        Assert.True(result.IsValid, result.Error?.En);
        Assert.Equal(input.ToUpperInvariant(), result.Normalized);
        Assert.Equal(DateOnly.Parse(birthDate), result.BirthDate);
        Assert.Equal(Sex.Unknown, result.Sex);
    }

    [Theory]
    [InlineData("USA123456789012", "USA123456789012")]
    [InlineData("gbr 123456 789012", "GBR123456789012")]
    public void Old_foreign_permanent_resident_id_is_accepted_without_birth_date(string input, string normalized)
    {
        var result = IdDocumentValidator.Validate(IdDocumentKind.ForeignPermanentResidentId, input, Today);

        Assert.True(result.IsValid, result.Error?.En);
        Assert.Equal(normalized, result.Normalized);
        Assert.Null(result.BirthDate);
    }

    public static TheoryData<string, Bilingual> InvalidForeignPermanentResidentIds => new()
    {
        { "931840198503150011", IdDocumentErrors.ForeignPermanentResidentCheckDigit },
        { "931840198513150013", IdDocumentErrors.ForeignPermanentResidentBirthDate }, // month 13, check digit right
        { "91101620250602001X", IdDocumentErrors.BirthDateInFuture },                  // check digit right
        { "991840198503150010", IdDocumentErrors.ForeignPermanentResidentArea },       // check digit right
        { "831840198503150011", IdDocumentErrors.ForeignPermanentResidentFormat },     // does not start with 9
        { "93184019850315001", IdDocumentErrors.ForeignPermanentResidentFormat },
        { "US1234567890123", IdDocumentErrors.ForeignPermanentResidentFormat },
        { "USA12345678901", IdDocumentErrors.ForeignPermanentResidentFormat },
        { "USA1234567890123", IdDocumentErrors.ForeignPermanentResidentFormat },
    };

    [Theory]
    [MemberData(nameof(InvalidForeignPermanentResidentIds))]
    public void Foreign_permanent_resident_id_is_rejected_with_the_reason(string input, Bilingual expected) =>
        AssertInvalid(IdDocumentKind.ForeignPermanentResidentId, input, expected);

    [Theory]
    [InlineData("E12345678", "E12345678")]
    [InlineData("G12345678", "G12345678")]
    [InlineData("ab 123 456", "AB123456")]
    [InlineData("C1234", "C1234")]
    [InlineData("ABCDEFGH123456789", "ABCDEFGH123456789")]
    [InlineData("E1234567８", "E12345678")]
    public void Passport_is_accepted(string input, string normalized) =>
        AssertValid(IdDocumentKind.Passport, input, normalized);

    [Theory]
    [InlineData("C123")]
    [InlineData("ABCDEFGH1234567890")]
    [InlineData("E1234-5678")]
    [InlineData("E1234567é")]
    public void Passport_is_rejected(string input) =>
        AssertInvalid(IdDocumentKind.Passport, input, IdDocumentErrors.PassportFormat);

    public static TheoryData<IdDocumentKind, string?> MissingNumbers()
    {
        var data = new TheoryData<IdDocumentKind, string?>();
        foreach (var kind in Enum.GetValues<IdDocumentKind>())
        {
            data.Add(kind, null);
            data.Add(kind, "");
            data.Add(kind, "   ");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(MissingNumbers))]
    public void Missing_number_asks_for_one(IdDocumentKind kind, string? input) =>
        AssertInvalid(kind, input, IdDocumentErrors.Required);

    [Fact]
    public void Unknown_kind_is_rejected() =>
        AssertInvalid((IdDocumentKind)99, "E12345678", IdDocumentErrors.UnknownKind);

    [Fact]
    public void ThrowIfInvalid_reports_the_field()
    {
        var result = IdDocumentValidator.Validate(IdDocumentKind.ResidentIdCard, "310104199001011234", Today);

        var ex = Assert.Throws<DomainValidationException>(() => result.ThrowIfInvalid("idNumber"));
        var error = Assert.Single(ex.Errors);
        Assert.Equal("idNumber", error.Field);
        Assert.Equal(IdDocumentErrors.IdCardCheckDigit, error.Message);
    }

    [Theory]
    [InlineData("11010519491231002", 'X')]
    [InlineData("31010419900101123", '3')]
    [InlineData("42010119851203012", '0')]
    [InlineData("93184019850315001", 'X')]
    public void Gb11643_check_digit_matches_known_numbers(string first17, char expected) =>
        Assert.Equal(expected, Gb11643.ComputeCheckDigit(first17));

    [Theory]
    [InlineData("1101051949123100")]
    [InlineData("1101051949123100A")]
    public void Gb11643_rejects_bad_input(string first17) =>
        Assert.Throws<ArgumentException>(() => Gb11643.ComputeCheckDigit(first17));

    private static void AssertValid(IdDocumentKind kind, string input, string normalized)
    {
        var result = IdDocumentValidator.Validate(kind, input, Today);

        Assert.True(result.IsValid, result.Error?.En);
        Assert.Equal(normalized, result.Normalized);
        Assert.Null(result.BirthDate);
        Assert.Equal(Sex.Unknown, result.Sex);
    }

    private static void AssertInvalid(IdDocumentKind kind, string? input, Bilingual expected)
    {
        var result = IdDocumentValidator.Validate(kind, input, Today);

        Assert.False(result.IsValid);
        Assert.Equal(expected, result.Error);
    }

    private sealed class FixedClock(DateTimeOffset utcNow) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => utcNow;
    }
}
