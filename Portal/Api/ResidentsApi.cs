using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.IdentityModel.JsonWebTokens;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Identity;
using Portal.Core.Residents;
using Portal.Data;

namespace Portal.Api;

public static class ResidentsApi
{
    public static RouteGroupBuilder MapResidentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/me").WithTags("Resident: me").RequireAuthorization(Policies.Resident);
        group.MapGet("/residents", ListMembers).WithName("ListMembers").WithSummary("本人及家庭成员 / The holder and family members");
        group.MapPost("/residents", RegisterMember).WithName("RegisterMember").WithSummary("登记本人或家庭成员 / Register the holder or a family member")
            .ProducesValidationProblem();
        group.MapGet("/appointments", ListAppointments).WithName("ListMyAppointments").WithSummary("我的预约 / My appointments");
        group.MapGet("/qr", GetQr).WithName("GetQrCode").WithSummary("接种码（签名、5分钟有效）/ Signed vaccination QR payload, valid 5 minutes")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public static long AccountId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(JwtRegisteredClaimNames.Sub), out var id) ? id
            : throw new DomainProblemException(ProblemKind.Unauthorized, "bad_token", new("令牌无效", "The token is not valid"));

    private static async Task<Ok<IReadOnlyList<MemberDto>>> ListMembers(ClaimsPrincipal user, ResidentService residents, CancellationToken ct) =>
        TypedResults.Ok(await residents.ListMembersAsync(user.AccountId(), ct));

    private static async Task<Created<MemberDto>> RegisterMember(RegisterMemberRequest request, ClaimsPrincipal user, ResidentService residents, CancellationToken ct)
    {
        var member = await residents.RegisterMemberAsync(user.AccountId(), request, ct);
        return TypedResults.Created($"/api/v1/me/residents/{member.ResidentId}", member);
    }

    private static async Task<Ok<IReadOnlyList<AppointmentDto>>> ListAppointments(ClaimsPrincipal user, BookingService booking, CancellationToken ct) =>
        TypedResults.Ok(await booking.ListForAccountAsync(user.AccountId(), ct));

    private static async Task<Ok<QrPayload>> GetQr(long residentId, ClaimsPrincipal user, QrPayloadService qr, PortalDbContext db, CancellationToken ct)
    {
        var accountId = user.AccountId();
        await ResidentService.EnsureMemberAsync(db, accountId, residentId, ct);
        return TypedResults.Ok(qr.Issue(accountId, residentId));
    }
}
