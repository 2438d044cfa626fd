using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Common.Privacy;

namespace Portal.Tests.Unit;

public class PersonalDataProtectorTests
{
    private static readonly string KeyV1 = PersonalDataOptions.NewKey();
    private static readonly string KeyV2 = PersonalDataOptions.NewKey();
    private static readonly string HashKey = PersonalDataOptions.NewKey();

    private static PersonalDataProtector Create(int active, Dictionary<int, string> keys, string? hashKey = null) =>
        new(new PersonalDataOptions { ActiveKeyVersion = active, Keys = keys, HashKey = hashKey ?? HashKey });

    private static PersonalDataProtector CreateV1() => Create(1, new() { [1] = KeyV1 });

    [Theory]
    [InlineData("310104199001011233")]
    [InlineData("13812345678")]
    [InlineData("张三丰")]
    [InlineData("")]
    public void Protect_then_unprotect_returns_the_plaintext(string plaintext)
    {
        var protector = CreateV1();

        var protectedValue = protector.Protect(plaintext);

        Assert.StartsWith("v1:", protectedValue);
        Assert.Equal(plaintext, protector.Unprotect(protectedValue));
    }

    [Fact]
    public void Payload_is_nonce_ciphertext_and_tag()
    {
        var plaintext = "310104199001011233";

        var protectedValue = CreateV1().Protect(plaintext);

        Assert.DoesNotContain(plaintext, protectedValue);
        var payload = Payload(protectedValue);
        Assert.Equal(12 + Encoding.UTF8.GetByteCount(plaintext) + 16, payload.Length);
    }

    [Fact]
    public void Each_protect_uses_a_fresh_nonce()
    {
        var protector = CreateV1();

        var first = protector.Protect("13812345678");
        var second = protector.Protect("13812345678");

        Assert.NotEqual(first, second);
        Assert.NotEqual(Payload(first)[..12], Payload(second)[..12]);
    }

    [Theory]
    [InlineData(0)]   // nonce
    [InlineData(12)]  // cipher text
    [InlineData(-1)]  // tag
    public void Tampering_with_any_byte_is_detected(int index)
    {
        var protector = CreateV1();
        var payload = Payload(protector.Protect("310104199001011233"));
        var position = index >= 0 ? index : payload.Length + index;
        payload[position] ^= 0x01;

        var ex = Assert.Throws<PersonalDataProtectionException>(() => protector.Unprotect("v1:" + Convert.ToBase64String(payload)));
        Assert.Contains("integrity", ex.Message);
    }

    [Fact]
    public void Value_encrypted_with_a_different_key_of_the_same_version_is_rejected()
    {
        var protectedValue = CreateV1().Protect("13812345678");
        var other = Create(1, new() { [1] = PersonalDataOptions.NewKey() });

        Assert.Throws<PersonalDataProtectionException>(() => other.Unprotect(protectedValue));
    }

    [Fact]
    public void After_key_rotation_old_values_stay_readable_and_new_ones_use_the_new_key()
    {
        var written = CreateV1().Protect("310104199001011233");
        var rotated = Create(2, new() { [1] = KeyV1, [2] = KeyV2 });

        Assert.Equal("310104199001011233", rotated.Unprotect(written));
        var rewritten = rotated.Protect("310104199001011233");
        Assert.StartsWith("v2:", rewritten);
        Assert.Equal("310104199001011233", rotated.Unprotect(rewritten));
    }

    [Fact]
    public void Unknown_key_version_is_reported()
    {
        var written = CreateV1().Protect("13812345678");
        var onlyV2 = Create(2, new() { [2] = KeyV2 });

        var ex = Assert.Throws<PersonalDataProtectionException>(() => onlyV2.Unprotect(written));
        Assert.Contains("key version 1", ex.Message);
    }

    [Fact]
    public void Swapping_the_version_prefix_is_detected()
    {
        var written = CreateV1().Protect("13812345678");
        var both = Create(2, new() { [1] = KeyV1, [2] = KeyV2 });

        Assert.Throws<PersonalDataProtectionException>(() => both.Unprotect("v2:" + written[3..]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("1:AAAA")]
    [InlineData("v:AAAA")]
    [InlineData("vx:AAAA")]
    [InlineData("v1:not base64!")]
    [InlineData("v1:AAAAAAAAAAAAAAAAAAAA")] // 15 bytes: shorter than nonce + tag
    public void Malformed_values_are_rejected(string value) =>
        Assert.Throws<PersonalDataProtectionException>(() => CreateV1().Unprotect(value));

    [Fact]
    public void Lookup_hash_is_hmac_sha256_in_lower_case_hex()
    {
        // Expected value computed independently (Python hmac) with key bytes 0x01..0x20.
        var protector = Create(1, new() { [1] = KeyV1 }, "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=");

        Assert.Equal("71e06c409257b9ec9169045935af9aeb81ae2b8c5e6728e43dc19547fee390ab", protector.LookupHash("13812345678"));
    }

    [Fact]
    public void Lookup_hash_is_deterministic_and_independent_of_the_encryption_key()
    {
        var first = CreateV1().LookupHash("310104199001011233");
        var second = Create(2, new() { [2] = KeyV2 }).LookupHash("310104199001011233");

        Assert.Equal(first, second);
        Assert.Matches("^[0-9a-f]{64}$", first);
        Assert.NotEqual(first, CreateV1().LookupHash("310104199001011234"));
    }

    [Fact]
    public void Lookup_hash_differs_with_another_hash_key()
    {
        var withOtherHashKey = Create(1, new() { [1] = KeyV1 }, PersonalDataOptions.NewKey());

        Assert.NotEqual(CreateV1().LookupHash("13812345678"), withOtherHashKey.LookupHash("13812345678"));
    }

    [Fact]
    public void NewKey_is_a_random_32_byte_base64_key()
    {
        var key = PersonalDataOptions.NewKey();

        Assert.Equal(32, Convert.FromBase64String(key).Length);
        Assert.NotEqual(key, PersonalDataOptions.NewKey());
    }

    public static TheoryData<PersonalDataOptions, string> BadOptions => new()
    {
        { new() { ActiveKeyVersion = 1, Keys = [], HashKey = HashKey }, "PersonalData:Keys is empty" },
        { new() { ActiveKeyVersion = 2, Keys = new() { [1] = KeyV1 }, HashKey = HashKey }, "PersonalData:ActiveKeyVersion is 2" },
        { new() { ActiveKeyVersion = 1, Keys = new() { [1] = Convert.ToBase64String(new byte[16]) }, HashKey = HashKey }, "PersonalData:Keys:1 must be" },
        { new() { ActiveKeyVersion = 1, Keys = new() { [1] = "not base64!" }, HashKey = HashKey }, "PersonalData:Keys:1 must be" },
        { new() { ActiveKeyVersion = 1, Keys = new() { [1] = KeyV1 }, HashKey = "" }, "PersonalData:HashKey" },
        { new() { ActiveKeyVersion = 1, Keys = new() { [1] = KeyV1 }, HashKey = Convert.ToBase64String(new byte[31]) }, "PersonalData:HashKey" },
        { new() { ActiveKeyVersion = 0, Keys = new() { [0] = KeyV1 }, HashKey = HashKey }, "versions must be positive" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Bad_options_are_refused_with_a_clear_message(PersonalDataOptions options, string expectedMessage)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new PersonalDataProtector(options));
        Assert.Contains(expectedMessage, ex.Message);
    }

    [Fact]
    public void Options_bind_from_configuration()
    {
        var services = new ServiceCollection()
            .AddPersonalDataProtection(Configuration(new()
            {
                ["PersonalData:ActiveKeyVersion"] = "2",
                ["PersonalData:Keys:1"] = KeyV1,
                ["PersonalData:Keys:2"] = KeyV2,
                ["PersonalData:HashKey"] = HashKey,
            }))
            .BuildServiceProvider();

        var protector = services.GetRequiredService<IPersonalDataProtector>();

        var protectedValue = protector.Protect("13812345678");
        Assert.StartsWith("v2:", protectedValue);
        Assert.Equal("13812345678", protector.Unprotect(protectedValue));
        Assert.Equal("13812345678", protector.Unprotect(CreateV1().Protect("13812345678")));
    }

    [Fact]
    public void Missing_configuration_fails_options_validation()
    {
        var services = new ServiceCollection()
            .AddPersonalDataProtection(Configuration(new() { ["PersonalData:ActiveKeyVersion"] = "1" }))
            .BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<PersonalDataOptions>>().Value);
        Assert.Contains(ex.Failures, f => f.Contains("PersonalData:Keys"));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static byte[] Payload(string protectedValue) =>
        Convert.FromBase64String(protectedValue[(protectedValue.IndexOf(':') + 1)..]);
}
