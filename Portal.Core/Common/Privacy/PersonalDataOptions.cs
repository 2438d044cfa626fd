using System.Security.Cryptography;

namespace Portal.Core.Common.Privacy;

/// <summary>Keys for encrypting ID and phone numbers at rest, bound from the "PersonalData" section.</summary>
public sealed class PersonalDataOptions
{
    public const string SectionName = "PersonalData";
    public const int KeySizeInBytes = 32;
    public const int MinHashKeySizeInBytes = 32;

    /// <summary>The version new values are encrypted with.</summary>
    public int ActiveKeyVersion { get; set; }

    /// <summary>Version → base64 AES-256 key. Retired versions stay here so old values remain readable.</summary>
    public Dictionary<int, string> Keys { get; set; } = [];

    /// <summary>Base64 HMAC-SHA256 key (at least 32 bytes) for lookup hashes. It is not versioned:
    /// changing it means recomputing every stored hash.</summary>
    public string HashKey { get; set; } = "";

    /// <summary>A fresh random base64 key of the right size for <see cref="Keys"/> or <see cref="HashKey"/>.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeySizeInBytes));

    /// <summary>What is wrong with these options, one message per problem; empty when they are usable.</summary>
    public IReadOnlyList<string> GetErrors()
    {
        var errors = new List<string>();
        if (Keys.Count == 0)
            errors.Add($"{SectionName}:Keys is empty: add at least one base64 {KeySizeInBytes}-byte key.");
        else if (!Keys.ContainsKey(ActiveKeyVersion))
            errors.Add($"{SectionName}:ActiveKeyVersion is {ActiveKeyVersion}, but {SectionName}:Keys has no key with that version.");

        foreach (var (version, key) in Keys)
        {
            if (version <= 0)
                errors.Add($"{SectionName}:Keys:{version}: key versions must be positive.");
            if (DecodeLength(key) != KeySizeInBytes)
                errors.Add($"{SectionName}:Keys:{version} must be a base64 {KeySizeInBytes}-byte (AES-256) key.");
        }

        if (DecodeLength(HashKey) < MinHashKeySizeInBytes)
            errors.Add($"{SectionName}:HashKey must be a base64 key of at least {MinHashKeySizeInBytes} bytes.");
        return errors;
    }

    private static int DecodeLength(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
            return 0;
        try
        {
            return Convert.FromBase64String(base64).Length;
        }
        catch (FormatException)
        {
            return -1;
        }
    }
}
