using System.Security.Claims;

using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Portal.Identity;

/// <summary>Section "Tokens": the key that signs resident-app and PDA bearer tokens.</summary>
public sealed class TokenOptions
{
    public const string Section = "Tokens";
    public const string Issuer = "blazorvax";
    public string SigningKey { get; set; } = "";
    public int ResidentTokenHours { get; set; } = 12;
    public int PdaTokenHours { get; set; } = 10;

    public SymmetricSecurityKey Key()
    {
        if (string.IsNullOrWhiteSpace(SigningKey) || Convert.FromBase64String(SigningKey).Length < 32)
            throw new InvalidOperationException("Tokens:SigningKey must be a base64 key of at least 32 bytes (see appsettings.sample.json).");
        return new SymmetricSecurityKey(Convert.FromBase64String(SigningKey));
    }
}

public static class TokenClaims
{
    /// <summary>"resident" for the resident app, "pda" for a doctor's handheld.</summary>
    public const string Kind = "kind";
    public const string ResidentKind = "resident";
    public const string PdaKind = "pda";
}

/// <summary>Issues HMAC-signed JWTs for the resident app and the PDA. The console uses cookies instead.</summary>
public sealed class TokenService(TokenOptions options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    public (string Token, DateTimeOffset ExpiresAt) IssueResidentToken(long accountId) =>
        Issue([new Claim(JwtRegisteredClaimNames.Sub, accountId.ToString()), new Claim(TokenClaims.Kind, TokenClaims.ResidentKind)],
            TimeSpan.FromHours(options.ResidentTokenHours));

    public (string Token, DateTimeOffset ExpiresAt) IssuePdaToken(IEnumerable<Claim> staffClaims) =>
        Issue([.. staffClaims, new Claim(TokenClaims.Kind, TokenClaims.PdaKind)], TimeSpan.FromHours(options.PdaTokenHours));

    private (string, DateTimeOffset) Issue(IEnumerable<Claim> claims, TimeSpan lifetime)
    {
        var now = clock.GetUtcNow();
        var expires = now + lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TokenOptions.Issuer,
            Audience = TokenOptions.Issuer,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(options.Key(), SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = TokenOptions.Issuer,
        ValidAudience = TokenOptions.Issuer,
        IssuerSigningKey = options.Key(),
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = JwtRegisteredClaimNames.Sub,
        RoleClaimType = ClaimTypes.Role,
    };

}
