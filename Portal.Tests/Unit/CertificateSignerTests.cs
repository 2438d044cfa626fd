using System.Buffers.Text;
using System.Security.Cryptography;
using Portal.Core.Certificates;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Unit;

public sealed class CertificateSignerTests
{
    private static readonly CertificateContent Content = new(1, CertificateService.Issuer, "王*芳", "ResidentIdCard", "310104********1234",
        new DateOnly(1990, 5, 1), [new CertificateDose("HPV9", "九价HPV疫苗", "佳达修9", new DateOnly(2026, 3, 1), 1, "J202601", "徐汇区接种门诊")],
        DateTimeOffset.FromUnixTimeSeconds(1_790_000_000));

    private static CertificateSigner NewSigner() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    [Fact]
    public void Signed_certificate_verifies_and_round_trips_its_content()
    {
        var signer = NewSigner();
        var token = signer.Sign(Content);
        Assert.StartsWith("BVC1.", token);
        var result = signer.Verify(token);
        Assert.True(result.Valid);
        Assert.Null(result.Reason);
        Assert.Equal(Content.Name, result.Content!.Name);
        Assert.Equal(Content.Doses, result.Content.Doses);
        Assert.Equal(Content.IssuedAt, result.Content.IssuedAt);
    }

    [Fact]
    public void Changing_one_byte_of_the_payload_makes_it_invalid()
    {
        var signer = NewSigner();
        var parts = signer.Sign(Content).Split('.');
        var json = Base64Url.DecodeFromChars(parts[1]);
        var at = Array.IndexOf(json, (byte)'1'); // a digit inside the JSON: still valid JSON after the change
        json[at] = (byte)'2';
        var tampered = $"{parts[0]}.{Base64Url.EncodeToString(json)}.{parts[2]}";

        var result = signer.Verify(tampered);
        Assert.False(result.Valid);
        Assert.Contains("签名", result.Reason!.Zh);
        Assert.NotNull(result.Content); // what was claimed is still shown
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("BVC1.x.y")]
    [InlineData("BVC1.!!!.???")]
    [InlineData("BVQR1.abc.def")]
    [InlineData("BVC1.e30.AAAA")]
    public void Garbage_is_invalid_never_an_exception(string token)
    {
        var result = NewSigner().Verify(token);
        Assert.False(result.Valid);
        Assert.NotNull(result.Reason);
    }

    [Fact]
    public void A_third_party_verifies_with_the_public_key_alone()
    {
        var signer = NewSigner();
        var token = signer.Sign(Content);
        using var publicOnly = ECDsa.Create();
        publicOnly.ImportFromPem(signer.PublicKeyPem());
        Assert.True(CertificateSigner.Verify(publicOnly, token).Valid);

        // Done by hand, as a verifier in another language would: split, decode, ECDSA-verify the JSON bytes.
        var parts = token.Split('.');
        Assert.True(publicOnly.VerifyData(Base64Url.DecodeFromChars(parts[1]), Base64Url.DecodeFromChars(parts[2]),
            HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.False(CertificateSigner.Verify(otherKey, token).Valid);
    }

    [Fact]
    public void Development_key_is_generated_once_and_reused()
    {
        var path = Path.Combine(TestEnvironment.RunDirectory, "cert-" + Guid.NewGuid().ToString("N")[..8], "keys", "certificate-signing.pem");
        using var first = CertificateSigner.LoadKey(null, path);
        Assert.True(File.Exists(path));
        Assert.Contains("BEGIN PRIVATE KEY", File.ReadAllText(path));
        using var second = CertificateSigner.LoadKey(null, path);
        Assert.Equal(first.ExportSubjectPublicKeyInfoPem(), second.ExportSubjectPublicKeyInfoPem());

        using var configured = CertificateSigner.LoadKey(File.ReadAllText(path), persistPath: null);
        Assert.Equal(first.ExportSubjectPublicKeyInfoPem(), configured.ExportSubjectPublicKeyInfoPem());
        Assert.Throws<InvalidOperationException>(() => CertificateSigner.LoadKey(null, persistPath: null));
    }
}
