using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Portal.Core.Common;

namespace Portal.Core.Residents;

public sealed record QrPayload(string Payload, DateTimeOffset ExpiresAt);

public sealed record QrClaims(long AccountId, long ResidentId, DateTimeOffset ExpiresAt);

/// <summary>The vaccination QR code (接种码): "BVQR1.{body}.{mac}", HMAC-SHA256 signed, valid a few
/// minutes, so a screenshot passed around is useless by the time it reaches the clinic.</summary>
public sealed class QrPayloadService(byte[] key, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private const string Prefix = "BVQR1";

    public QrPayload Issue(long accountId, long residentId)
    {
        var expires = clock.GetUtcNow() + Lifetime;
        var body = JsonSerializer.SerializeToUtf8Bytes(new Body(accountId, residentId, expires.ToUnixTimeSeconds(), Convert.ToHexString(RandomNumberGenerator.GetBytes(6))));
        var encoded = Base64Url.EncodeToString(body);
        return new QrPayload($"{Prefix}.{encoded}.{Mac(encoded)}", expires);
    }

    public QrClaims Verify(string? payload)
    {
        var parts = payload?.Trim().Split('.') ?? [];
        if (parts.Length != 3 || parts[0] != Prefix)
            throw new DomainValidationException("payload", new("不是有效的接种码", "This is not a BlazorVax vaccination code"));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(parts[1])), Encoding.ASCII.GetBytes(parts[2])))
            throw new DomainValidationException("payload", new("接种码签名无效", "The code's signature is not valid"));
        Body body;
        try
        {
            body = JsonSerializer.Deserialize<Body>(Base64Url.DecodeFromChars(parts[1]))!;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw new DomainValidationException("payload", new("不是有效的接种码", "This is not a BlazorVax vaccination code"));
        }
        var expires = DateTimeOffset.FromUnixTimeSeconds(body.Exp);
        if (expires <= clock.GetUtcNow())
            throw new DomainValidationException("payload", new("接种码已过期，请让受种者刷新", "The code has expired; ask the person to refresh it"));
        return new QrClaims(body.Acc, body.Res, expires);
    }

    private string Mac(string encodedBody) => Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(encodedBody)));

    private sealed record Body(long Acc, long Res, long Exp, string N);
}
