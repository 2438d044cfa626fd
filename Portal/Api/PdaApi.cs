using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Identity;
using Portal.Core.Injections;
using Portal.Data;
using Portal.Identity;
using Portal.Core.Sites;

namespace Portal.Api;

public sealed record PdaLoginRequest(
    [property: TextInput(SignInAttempt.NameKeyLength)] string? UserName,
    [property: TextInput(128, TextKind.Secret)] string? Password,
    [property: TextInput(Device.SerialNumberLength, TextKind.Code)] string? DeviceSerial);
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
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("/scan", Scan).RequireAuthorization(Policies.Pda).WithName("PdaScan").WithSummary("扫接种码 / Scan a vaccination code")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/lookup", Lookup).RequireAuthorization(Policies.Pda).WithName("PdaLookup")
            .WithSummary("按证件号码查找受种者（读卡或输入）/ Find a resident by ID document number (card reader or typed)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/injections", Record).RequireAuthorization(Policies.Pda).WithName("PdaRecordInjection").WithSummary("登记接种 / Record an injection")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Ok<PdaLoginResponse>> Login(PdaLoginRequest request, UserManager<StaffUser> users, SignInManager<StaffUser> signIn,
        TokenService tokens, PortalDbContext db, TimeProvider clock, HttpContext http)
    {
        if (string.IsNullOrWhiteSpace(request.UserName) || string.IsNullOrEmpty(request.Password))
            throw new DomainValidationException([new("userName", new("请输入用户名和密码", "Enter the user name and password"))]);
        var user = await users.FindByNameAsync(request.UserName.Trim());
        var result = user is null ? SignInResult.Failed : await signIn.CheckPasswordSignInAsync(user, request.Password, lockoutOnFailure: true);
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow(), UserId = user?.Id, UserName = request.UserName.Trim(), Action = result.Succeeded ? AuditActions.SignIn : AuditActions.SignInFailed,
            EntityType = "Pda", EntityId = request.DeviceSerial, Detail = result.IsLockedOut ? "locked out" : "", IpAddress = http.ClientIp(),
        });
        await db.SaveChangesAsync();
        if (result.IsLockedOut)
            throw new DomainProblemException(ProblemKind.Unauthorized, "locked_out", new("登录失败次数过多，账号已锁定15分钟", "Too many failed sign-ins: the account is locked for 15 minutes"));
        if (!result.Succeeded || user is null || !user.IsActive)
            throw new DomainProblemException(ProblemKind.Unauthorized, "bad_credentials", new("用户名或密码错误", "Wrong user name or password"));
        var roles = await users.GetRolesAsync(user);
        if (!roles.Any(r => r is Roles.Doctor or Roles.SiteAdmin) || user.ScopeSiteId is not { } siteId)
            throw new DomainProblemException(ProblemKind.Forbidden, "not_a_doctor", new("仅限接种点医生使用PDA", "Only doctors of a vaccination site may use the PDA"));

        Claim[] claims = [new(JwtRegisteredClaimNames.Sub, user.Id), new(JwtRegisteredClaimNames.Name, user.DisplayName),
            new(SiteClaim, siteId.ToString()), .. roles.Select(r => new Claim(ClaimTypes.Role, r))];
        var (token, expires) = tokens.IssuePdaToken(claims);
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
