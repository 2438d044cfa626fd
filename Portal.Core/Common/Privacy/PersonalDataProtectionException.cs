using System.Security.Cryptography;

namespace Portal.Core.Common.Privacy;

/// <summary>A protected value could not be read: malformed, encrypted with an unknown key version,
/// or failing its authentication tag (tampered, or encrypted with a different key).</summary>
public sealed class PersonalDataProtectionException(string message, Exception? innerException = null)
    : CryptographicException(message, innerException);
