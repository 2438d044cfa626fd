using QRCoder;

namespace Portal.Components.Pages.Certificates;

/// <summary>The certificate token as a PNG QR code in a data URI (no file, no JavaScript: prints as is).</summary>
public static class CertificateQr
{
    public static string DataUri(string payload)
    {
        using var generator = new QRCodeGenerator();
        // Level L: the token is long (hundreds of characters) and the printout is clean paper.
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.L);
        var png = new PngByteQRCode(data).GetGraphic(4);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
