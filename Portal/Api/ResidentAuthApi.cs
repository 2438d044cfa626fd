using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Residents.Auth;
using Portal.Identity;
using Portal.Core.Common;
using Portal.Core.Residents;

namespace Portal.Api;

public sealed record SmsCodeRequest([property: TextInput(PhoneNumbers.MaxInputLength)] string? Phone);
public sealed record TokenRequest([property: TextInput(PhoneNumbers.MaxInputLength)] string? Phone, [property: TextInput(16, TextKind.Token)] string? Code);
public sealed record TokenResponse(string AccessToken, string TokenType, DateTimeOffset ExpiresAt, long AccountId);

public static class ResidentAuthApi
{
    public static RouteGroupBuilder MapResidentAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/auth").WithTags("Resident sign-in").AllowAnonymous();
        group.MapPost("/sms-code", SendCode).WithName("SendSmsCode").WithSummary("发送短信验证码 / Send an SMS verification code")
            .RequireRateLimiting(RateLimitPolicies.SmsPerIp).ProducesValidationProblem()
            .ProducesErrors(CommonErrors.RateLimited, ResidentsErrors.SmsDailyLimit, ResidentsErrors.SmsIpLimit, ResidentsErrors.SmsTooFrequent,
                ResidentsErrors.SmsUnavailable);
        group.MapPost("/token", ExchangeCode).WithName("ExchangeSmsCode").WithSummary("验证码换取令牌 / Exchange the code for a token")
            .RequireRateLimiting(RateLimitPolicies.LoginPerIp).ProducesValidationProblem()
            .ProducesErrors(CommonErrors.RateLimited);
        return group;
    }

    private static async Task<Accepted> SendCode(SmsCodeRequest request, SmsLoginService sms, HttpContext http, CancellationToken ct)
    {
        await sms.RequestCodeAsync(request.Phone, http.ClientIp(), ct);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Ok<TokenResponse>> ExchangeCode(TokenRequest request, SmsLoginService sms, TokenService tokens, CancellationToken ct)
    {
        var accountId = await sms.VerifyAsync(request.Phone, request.Code, ct);
        var (token, expires) = tokens.IssueResidentToken(accountId);
        return TypedResults.Ok(new TokenResponse(token, "Bearer", expires, accountId));
    }
}
