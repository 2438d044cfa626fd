using Portal.Core.Common;
using Portal.Core.Residents;

namespace Portal.Tests.Unit;

public class PhoneNumberTests
{
    [Theory]
    [InlineData("13812345678", "13812345678")]
    [InlineData("19912345678", "19912345678")]
    [InlineData(" 15012345678 ", "15012345678")]
    [InlineData("138-1234-5678", "13812345678")]
    [InlineData("138 1234 5678", "13812345678")]
    [InlineData("+8613812345678", "13812345678")]
    [InlineData("+86 138 1234 5678", "13812345678")]
    [InlineData("0086-138-1234-5678", "13812345678")]
    [InlineData("8613812345678", "13812345678")]
    [InlineData("１３８１２３４５６７８", "13812345678")] // full-width
    public void Mainland_mobile_numbers_are_normalized(string input, string expected)
    {
        Assert.True(PhoneNumbers.TryNormalize(input, out var normalized, out var error), error?.En);
        Assert.Equal(expected, normalized);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("12812345678")]    // second digit must be 3-9
    [InlineData("10012345678")]
    [InlineData("23812345678")]
    [InlineData("1381234567")]     // 10 digits
    [InlineData("138123456789")]   // 12 digits
    [InlineData("861381234567")]   // 86 + 10 digits
    [InlineData("+85261234567")]   // Hong Kong
    [InlineData("+1 415 555 0100")]
    [InlineData("1381234567a")]
    [InlineData("(138)12345678")]
    [InlineData("+86+8613812345678")]
    public void Other_numbers_are_rejected(string input)
    {
        Assert.False(PhoneNumbers.TryNormalize(input, out var normalized, out var error));
        Assert.Equal("", normalized);
        Assert.Equal(PhoneNumbers.Invalid, error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Missing_number_asks_for_one(string? input)
    {
        Assert.False(PhoneNumbers.TryNormalize(input, out _, out var error));
        Assert.Equal(PhoneNumbers.Required, error);
        Assert.Equal("请输入手机号码", error.Zh);
        Assert.Equal("Enter the mobile number", error.En);
    }

    [Fact]
    public void NormalizeOrThrow_returns_the_number_or_reports_the_field()
    {
        Assert.Equal("13812345678", PhoneNumbers.NormalizeOrThrow("+86 138 1234 5678", "phone"));

        var ex = Assert.Throws<DomainValidationException>(() => PhoneNumbers.NormalizeOrThrow("12345", "phone"));
        var error = Assert.Single(ex.Errors);
        Assert.Equal("phone", error.Field);
        Assert.Equal(PhoneNumbers.Invalid, error.Message);
    }
}
