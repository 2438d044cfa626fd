using Portal.Core.Common;

namespace Portal.Core.Residents.IdDocuments;

/// <summary>The messages <see cref="IdDocumentValidator"/> returns, so callers and tests can tell the failures apart.</summary>
public static class IdDocumentErrors
{
    public static readonly Bilingual Required = new("请输入证件号码", "Enter the ID number");
    public static readonly Bilingual UnknownKind = new("不支持的证件类型", "This type of ID document is not supported");

    public static readonly Bilingual IdCardLength = new("身份证号码应为18位", "The ID card number must be 18 characters long");
    public static readonly Bilingual IdCardCharacters = new(
        "身份证号码前17位应为数字，最后一位为数字或X", "The ID card number must be 17 digits followed by a digit or X");
    public static readonly Bilingual IdCardArea = new("身份证号码的地区代码无效", "The ID card number's area code is not valid");
    public static readonly Bilingual IdCardBirthDate = new("身份证号码中的出生日期无效", "The birth date in the ID card number is not a valid date");
    public static readonly Bilingual BirthDateInFuture = new("证件号码中的出生日期晚于今天", "The birth date in the ID number is in the future");
    public static readonly Bilingual BirthDateTooEarly = new("证件号码中的出生日期早于1900年1月1日", "The birth date in the ID number is before 1 January 1900");
    public static readonly Bilingual IdCardCheckDigit = new("身份证号码校验位错误", "The ID card number's check digit is wrong");

    public static readonly Bilingual HongKongMacauPermitFormat = new(
        "港澳居民来往内地通行证号码应为H或M开头，后接8位或10位数字",
        "The Hong Kong/Macau permit number must be H or M followed by 8 or 10 digits");

    public static readonly Bilingual TaiwanPermitFormat = new(
        "台湾居民来往大陆通行证号码应为8位或10位数字",
        "The Taiwan permit number must be 8 or 10 digits");

    public static readonly Bilingual ForeignPermanentResidentFormat = new(
        "外国人永久居留身份证号码应为15位（3位字母加12位数字）或以9开头的18位",
        "The foreign permanent resident ID must be 15 characters (3 letters and 12 digits) or 18 characters starting with 9");
    public static readonly Bilingual ForeignPermanentResidentArea = new(
        "外国人永久居留身份证号码的受理地代码无效", "The foreign permanent resident ID's issuing province code is not valid");
    public static readonly Bilingual ForeignPermanentResidentBirthDate = new(
        "外国人永久居留身份证号码中的出生日期无效", "The birth date in the foreign permanent resident ID is not a valid date");
    public static readonly Bilingual ForeignPermanentResidentCheckDigit = new(
        "外国人永久居留身份证号码校验位错误", "The foreign permanent resident ID's check digit is wrong");

    public static readonly Bilingual PassportFormat = new(
        "护照号码应为5至17位字母或数字", "The passport number must be 5 to 17 letters or digits");
}
