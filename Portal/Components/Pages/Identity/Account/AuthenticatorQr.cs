using System.Text;
using QRCoder;

namespace Portal.Components.Pages.Identity.Account;

/// <summary>What an authenticator app scans: the otpauth:// URI (Google's Key URI format, understood by every TOTP app)
/// as a PNG QR code in a data URI, and the key grouped for typing by hand.</summary>
public static class AuthenticatorQr
{
    public const string Issuer = "BlazorVax";

    public static string Uri(string userName, string key) =>
        $"otpauth://totp/{System.Uri.EscapeDataString(Issuer)}:{System.Uri.EscapeDataString(userName)}" +
        $"?secret={key}&issuer={System.Uri.EscapeDataString(Issuer)}&digits=6";

    public static string DataUri(string otpauthUri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(otpauthUri, QRCodeGenerator.ECCLevel.M);
        return "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
    }

    /// <summary>"abcd efgh ..." : lower case in groups of four, as authenticator apps accept it.</summary>
    public static string Grouped(string key)
    {
        var grouped = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            if (i > 0) grouped.Append(' ');
            grouped.Append(key.AsSpan(i, Math.Min(4, key.Length - i)));
        }
        return grouped.ToString().ToLowerInvariant();
    }
}
