using Portal.Core.Common.Privacy;

namespace Portal.Tests.Unit;

public class MaskingTests
{
    [Theory]
    [InlineData("310104199001011234", "310104********1234")]
    [InlineData("11010519491231002X", "110105********002X")]
    [InlineData("93184019850315001X", "931840********001X")]
    [InlineData("USA123456789012", "US*********9012")]
    [InlineData("M1234567801", "M1******801")]
    [InlineData("H12345678", "H*****678")]
    [InlineData("E12345678", "E*****678")]
    [InlineData("12345678", "1****678")]
    [InlineData("C1234", "C***4")]
    public void Id_numbers_are_masked(string input, string expected) =>
        Assert.Equal(expected, Masking.MaskIdNumber(input));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(15)]
    [InlineData(17)]
    public void Short_documents_hide_at_least_half(int length)
    {
        var value = "ABCDEFGHJKLMNPQRS"[..length];

        var masked = Masking.MaskIdNumber(value);

        Assert.Equal(length, masked.Length);
        Assert.True(masked.Count(c => c == '*') * 2 >= length, masked);
        Assert.Contains('*', masked);
    }

    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("19900001111", "199****1111")]
    public void Phone_numbers_keep_the_first_three_and_last_four(string input, string expected) =>
        Assert.Equal(expected, Masking.MaskPhone(input));

    [Theory]
    [InlineData("张三丰", "张*丰")]
    [InlineData("张三", "张*")]
    [InlineData("欧阳娜娜", "欧**娜")]
    [InlineData("张", "*")]
    [InlineData(" 李四 ", "李*")]
    [InlineData("𠮷田一郎", "𠮷**郎")] // 𠮷 is a surrogate pair
    [InlineData("John Smith", "J*** S****")]
    [InlineData("Jean-Luc Picard", "J***-L** P*****")]
    [InlineData("阿依古丽·买买提", "阿***·买**")]
    public void Names_are_masked(string input, string expected) =>
        Assert.Equal(expected, Masking.MaskName(input));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_values_mask_to_empty(string? input)
    {
        Assert.Equal("", Masking.MaskIdNumber(input));
        Assert.Equal("", Masking.MaskPhone(input));
        Assert.Equal("", Masking.MaskName(input));
    }
}
