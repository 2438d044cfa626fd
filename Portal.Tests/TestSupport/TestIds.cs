using Portal.Core.Residents.IdDocuments;

namespace Portal.Tests.TestSupport;

public static class TestIds
{
    /// <summary>A valid 18-digit resident ID (GB 11643 check digit) for the given birth date and sex.</summary>
    public static string ResidentId(DateOnly birth, bool female, int sequence = 1, string area = "310104")
    {
        var seq = sequence % 500 * 2 + (female ? 0 : 1);
        var first17 = $"{area}{birth:yyyyMMdd}{seq:000}";
        return first17 + Gb11643.ComputeCheckDigit(first17);
    }

    private static int _phone = Random.Shared.Next(1000_0000, 8000_0000);

    /// <summary>A unique mainland mobile number per call, so rate limits of one test don't touch another.</summary>
    public static string NewPhone() => "139" + Interlocked.Increment(ref _phone).ToString("00000000");

    /// <summary>A number written with Chinese numerals (names may not hold digits): 12 → "一二".</summary>
    public static string ChineseDigits(int value) =>
        string.Concat(value.ToString(System.Globalization.CultureInfo.InvariantCulture).Select(c => "零一二三四五六七八九"[c - '0']));
}
