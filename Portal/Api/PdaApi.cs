using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Portal.Core.Common;
using Portal.Core.Identity;
using Portal.Core.Injections;
using Portal.Identity;
using Portal.Core.Sites;
using Portal.Core.Eligibility;
using Portal.Core.Residents;
using Portal.Core.Vaccines;

namespace Portal.Api;

/// <param name="Code">The authenticator code, for an account that signs in with a second factor.</param>
public sealed record PdaLoginRequest(
    [property: TextInput(SignInAttempt.NameKeyLength)] string? UserName,
    [property: TextInput(128, TextKind.Secret)] string? Password,
    [property: TextInput(Device.SerialNumberLength, TextKind.Code)] string? DeviceSerial,
    [property: TextInput(16, TextKind.Token)] string? Code = null);
public sealed record PdaLoginResponse(string AccessToken, string TokenType, DateTimeOffset ExpiresAt, string DisplayName, long SiteId);
public sealed record ScanRequest([property: TextInput(1024, TextKind.Token)] string? Payload);

/// <summary>The doctor's handheld: sign in, scan the resident's code, record the dose.</summary>
public static class PdaApi
{
    public const string SiteClaim = "site";

    public static RouteGroupBuilder MapPdaApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/pda").WithTags("PDA");
        group.MapPost("/login", Login).AllowAnonymous().WithName("PdaLogin").WithSummary("医生登录 / Doctor sign-in")
            .ProducesValidationProblem()
            .ProducesErrors(IdentityErrors.AccountDisabled, IdentityErrors.AccountLocked, IdentityErrors.BadCredentials, IdentityErrors.BadSecondFactor,
                IdentityErrors.NotADoctor, IdentityErrors.SecondFactorRequired, IdentityErrors.SignInBlocked, IdentityErrors.TwoFactorSetupRequired);
        group.MapPost("/scan", Scan).RequireAuthorization(Policies.Pda).WithName("PdaScan").WithSummary("扫接种码 / Scan a vaccination code")
            .ProducesValidationProblem()
            .ProducesErrors(ResidentsErrors.ResidentNotFound);
        group.MapPost("/lookup", Lookup).RequireAuthorization(Policies.Pda).WithName("PdaLookup")
            .WithSummary("按证件号码查找受种者（读卡或输入）/ Find a resident by ID document number (card reader or typed)")
            .ProducesValidationProblem()
            .ProducesErrors(ResidentsErrors.ResidentNotFound);
        group.MapPost("/injections", Record).RequireAuthorization(Policies.Pda).WithName("PdaRecordInjection").WithSummary("登记接种 / Record an injection")
            .ProducesValidationProblem()
            .ProducesErrors(EligibilityErrors.NotEligible, InjectionsErrors.DoseAlreadyToday, InjectionsErrors.OutOfStock, InjectionsErrors.VisitRequired,
                ResidentsErrors.ResidentNotFound, VaccinesErrors.ProductNotFound);
        return group;
    }

    /// <summary>Through <see cref="SignInGuard"/> like the console: throttled per source, one answer for unknown and known
    /// names, audited. An account that needs a second factor sends its authenticator code in <c>code</c>.</summary>
    private static async Task<Ok<PdaLoginResponse>> Login(PdaLoginRequest request, UserManager<StaffUser> users, SignInGuard guard,
        SecurityPolicyService policy, TokenService tokens, HttpContext http)
    {
        if (string.IsNullOrWhiteSpace(request.UserName) || string.IsNullOrEmpty(request.Password))
            throw new DomainValidationException([new("userName", new("请输入用户名和密码", "Enter the user name and password"))]);
        var ip = http.ClientIp();
        var check = await guard.CheckPasswordAsync(SignInChannel.Pda, request.UserName, request.Password, ip, request.DeviceSerial, http.RequestAborted);
        if (!check.Succeeded)
            throw SignInProblems.For(check);
        var user = check.User!;
        var roles = await users.GetRolesAsync(user);
        if (!roles.Any(r => r is Roles.Doctor or Roles.SiteAdmin) || user.ScopeSiteId is not { } siteId)
        {
            await guard.RefuseAsync(check, "not a doctor of a vaccination site", http.RequestAborted);
            throw SignInProblems.NotADoctor();
        }
        var method = "password";
        if (user.TwoFactorEnabled || (await policy.GetAsync(http.RequestAborted)).RequiresTwoFactor(roles))
        {
            if (!user.TwoFactorEnabled)
            {
                await guard.RefuseAsync(check, "second factor required but not set up", http.RequestAborted);
                throw SignInProblems.TwoFactorSetupRequired();
            }
            await guard.DeferAsync(check, http.RequestAborted);
            if (string.IsNullOrWhiteSpace(request.Code))
                throw SignInProblems.SecondFactorRequired();
            check = await guard.CheckSecondFactorAsync(user, SignInChannel.Pda, request.Code, recovery: false, ip, request.DeviceSerial, http.RequestAborted);
            if (!check.Succeeded)
                throw SignInProblems.For(check, secondFactor: true);
            method = "password and authenticator code";
        }

        Claim[] claims = [new(JwtRegisteredClaimNames.Sub, user.Id), new(JwtRegisteredClaimNames.Name, user.DisplayName),
            new(SiteClaim, siteId.ToString()), new(StaffClaimTypes.StampHash, PdaTokenValidation.StampHash(user.SecurityStamp)),
            .. roles.Select(r => new Claim(ClaimTypes.Role, r))];
        var (token, expires) = tokens.IssuePdaToken(claims);
        await guard.SucceedAsync(check, method, http.RequestAborted);
        return TypedResults.Ok(new PdaLoginResponse(token, "Bearer", expires, user.DisplayName, siteId));
    }

    private static Recorder Recorder(ClaimsPrincipal user, HttpContext http) => new(
        user.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? "", user.FindFirstValue(JwtRegisteredClaimNames.Name) ?? "",
        long.Parse(user.FindFirstValue(SiteClaim) ?? "0"), http.ClientIp());

    private static async Task<Ok<ScanResult>> Scan(ScanRequest request, ClaimsPrincipal user, InjectionService injections, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await injections.ScanAsync(Recorder(user, http), request.Payload, ct));

    private static async Task<Ok<ScanResult>> Lookup(LookupRequest request, ClaimsPrincipal user, InjectionService injections, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await injections.LookupAsync(Recorder(user, http), request, ct));

    private static async Task<Created<InjectionDto>> Record(RecordInjectionRequest request, ClaimsPrincipal user, InjectionService injections, HttpContext http, CancellationToken ct)
    {
        var injection = await injections.RecordAsync(Recorder(user, http), request, ct);
        return TypedResults.Created($"/api/v1/pda/injections/{injection.Id}", injection);
    }
}
