using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Portal.Core.Common;

namespace Portal.Core.Certificates;

/// <summary>The outcome of checking a certificate token. <see cref="Content"/> is the decoded payload
/// when it could be read (also for a bad signature, so a verifier can show what was claimed).</summary>
public sealed record CertificateVerification(bool Valid, Bilingual? Reason, CertificateContent? Content);

/// <summary>Signs and verifies electronic vaccination certificates (电子接种证): "BVC1.{payload}.{signature}",
/// payload = base64url of the canonical JSON, signature = base64url of the ECDSA P-256 / SHA-256 signature
/// (IEEE P1363 r‖s, 64 bytes, as in JWS ES256) over the payload's JSON bytes. Anyone with the public key
/// can verify a certificate offline; nothing secret is in it (name and ID are masked).</summary>
public sealed class CertificateSigner(ECDsa key)
{
    public const string Prefix = "BVC1";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary>SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----").</summary>
    public string PublicKeyPem() => key.ExportSubjectPublicKeyInfoPem();

    public string Sign(CertificateContent content)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(content, Json);
        var signature = key.SignData(json, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{Prefix}.{Base64Url.EncodeToString(json)}.{Base64Url.EncodeToString(signature)}";
    }

    public CertificateVerification Verify(string? token) => Verify(key, token);

    /// <summary>What a third party does with the public key alone. Never throws for bad input.</summary>
    public static CertificateVerification Verify(ECDsa publicKey, string? token)
    {
        var parts = token?.Trim().Split('.') ?? [];
        if (parts.Length != 3 || parts[0] != Prefix)
            return Invalid(new("不是有效的电子接种证", "This is not a BlazorVax vaccination certificate"), null);
        byte[] json, signature;
        try
        {
            json = Base64Url.DecodeFromChars(parts[1]);
            signature = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (FormatException)
        {
            return Invalid(new("电子接种证编码有误", "The certificate is not correctly encoded"), null);
        }
        CertificateContent? content = null;
        try
        {
            content = JsonSerializer.Deserialize<CertificateContent>(json, Json);
        }
        catch (JsonException)
        {
            // Reported below: a payload that is not our JSON cannot carry a valid signature either.
        }
        bool signed;
        try
        {
            signed = publicKey.VerifyData(json, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            signed = false;
        }
        if (!signed)
            return Invalid(new("签名无效：内容被篡改或非本系统签发", "The signature is not valid: the content was altered or not issued by BlazorVax"), content);
        if (content is null)
            return Invalid(new("电子接种证内容无法解析", "The certificate content cannot be read"), null);
        return new CertificateVerification(true, null, content);
    }

    private static CertificateVerification Invalid(Bilingual reason, CertificateContent? content) => new(false, reason, content);

    /// <summary>The configured PKCS#8 PEM, or (development only) a key generated once and kept in <paramref name="persistPath"/>.</summary>
    public static ECDsa LoadKey(string? configuredPem, string? persistPath)
    {
        var key = ECDsa.Create();
        if (!string.IsNullOrWhiteSpace(configuredPem))
        {
            key.ImportFromPem(configuredPem);
            return Checked(key);
        }
        if (persistPath is null)
            throw new InvalidOperationException("Certificates:SigningKeyPem is not configured: set it to a PKCS#8 PEM ECDSA P-256 private key.");
        if (File.Exists(persistPath))
        {
            key.ImportFromPem(File.ReadAllText(persistPath));
            return Checked(key);
        }
        key.GenerateKey(ECCurve.NamedCurves.nistP256);
        Directory.CreateDirectory(Path.GetDirectoryName(persistPath)!);
        var temp = persistPath + ".tmp";
        File.WriteAllText(temp, key.ExportPkcs8PrivateKeyPem(), Encoding.ASCII);
        try
        {
            File.Move(temp, persistPath, overwrite: false);
        }
        catch (IOException) when (File.Exists(persistPath))
        {
            // Another process wrote it first: use theirs so every instance signs with one key.
            File.Delete(temp);
            key.ImportFromPem(File.ReadAllText(persistPath));
        }
        return Checked(key);
    }

    private static ECDsa Checked(ECDsa key)
    {
        if (key.KeySize != 256)
            throw new InvalidOperationException("Certificates:SigningKeyPem must be an ECDSA P-256 key.");
        return key;
    }
}
