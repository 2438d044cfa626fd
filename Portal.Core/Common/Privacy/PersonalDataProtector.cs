using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Core.Common.Privacy;

/// <summary>Encrypts personal data (ID and phone numbers) for storage and hashes it for lookups.</summary>
public interface IPersonalDataProtector
{
    /// <summary>AES-256-GCM with the active key: "v{version}:{base64(nonce | cipher text | tag)}". Not deterministic.</summary>
    string Protect(string plaintext);

    /// <summary>Decrypts with the key version named in the prefix, so values written before a key rotation stay readable.</summary>
    /// <exception cref="PersonalDataProtectionException">Malformed, unknown key version, or tampered.</exception>
    string Unprotect(string protectedValue);

    /// <summary>HMAC-SHA256 of the (already normalized) value as lower-case hex: deterministic, for equality lookups and unique indexes.</summary>
    string LookupHash(string normalizedValue);
}

public sealed class PersonalDataProtector : IPersonalDataProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly int _activeVersion;
    private readonly Dictionary<int, byte[]> _keys;
    private readonly byte[] _hashKey;

    /// <exception cref="InvalidOperationException">The options are incomplete or a key has the wrong size.</exception>
    public PersonalDataProtector(PersonalDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.GetErrors();
        if (errors.Count > 0)
            throw new InvalidOperationException("Personal data protection is misconfigured: " + string.Join(" ", errors));

        _activeVersion = options.ActiveKeyVersion;
        _keys = options.Keys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value));
        _hashKey = Convert.FromBase64String(options.HashKey);
    }

    public string Protect(string plaintext)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var payload = new byte[NonceSize + plain.Length + TagSize];
        var nonce = payload.AsSpan(0, NonceSize);
        // A random 96-bit nonce per value; GCM stays safe for far more values per key than this system will hold.
        RandomNumberGenerator.Fill(nonce);

        // One AesGcm per call: instances are cheap and this protector is a shared singleton.
        using var aes = new AesGcm(_keys[_activeVersion], TagSize);
        aes.Encrypt(nonce, plain, payload.AsSpan(NonceSize, plain.Length), payload.AsSpan(NonceSize + plain.Length, TagSize));

        return $"v{_activeVersion.ToString(CultureInfo.InvariantCulture)}:{Convert.ToBase64String(payload)}";
    }

    public string Unprotect(string protectedValue)
    {
        ArgumentNullException.ThrowIfNull(protectedValue);
        var colon = protectedValue.IndexOf(':');
        if (colon < 2 || protectedValue[0] != 'v'
            || !int.TryParse(protectedValue.AsSpan(1, colon - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            throw new PersonalDataProtectionException("The protected value does not start with a key version such as \"v1:\".");

        if (!_keys.TryGetValue(version, out var key))
            throw new PersonalDataProtectionException(
                $"The protected value was encrypted with key version {version}, which is not in {PersonalDataOptions.SectionName}:Keys.");

        byte[] payload;
        try
        {
            payload = Convert.FromBase64String(protectedValue[(colon + 1)..]);
        }
        catch (FormatException ex)
        {
            throw new PersonalDataProtectionException("The protected value is not valid base64 after its version prefix.", ex);
        }
        if (payload.Length < NonceSize + TagSize)
            throw new PersonalDataProtectionException("The protected value is too short to hold a nonce and an authentication tag.");

        var cipherLength = payload.Length - NonceSize - TagSize;
        var plain = new byte[cipherLength];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(payload.AsSpan(0, NonceSize), payload.AsSpan(NonceSize, cipherLength), payload.AsSpan(NonceSize + cipherLength), plain);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new PersonalDataProtectionException(
                $"The protected value failed its integrity check under key version {version}: it was altered or encrypted with a different key.", ex);
        }
        return Encoding.UTF8.GetString(plain);
    }

    public string LookupHash(string normalizedValue)
    {
        ArgumentNullException.ThrowIfNull(normalizedValue);
        return Convert.ToHexStringLower(HMACSHA256.HashData(_hashKey, Encoding.UTF8.GetBytes(normalizedValue)));
    }
}
