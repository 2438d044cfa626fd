using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.IdentityModel.JsonWebTokens;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Identity;
using Portal.Core.Residents;
using Portal.Core.Residents.Links;
using Portal.Data;

namespace Portal.Api;

public static class ResidentsApi
{
    public static RouteGroupBuilder MapResidentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/me").WithTags("Resident: me").RequireAuthorization(Policies.Resident);
        group.MapGet("/residents", ListMembers).WithName("ListMembers").WithSummary("本人及家庭成员 / The holder and family members")
            .ProducesErrors(ResidentsErrors.BadToken);
        group.MapPost("/residents", RegisterMember).WithName("RegisterMember")
            .WithSummary("登记本人或家庭成员（已有档案者需其本人同意）/ Register the holder or a family member (a person already on record must agree)")
            .WithDescription("201: a new record, or a person whose record carries this account's phone (or, for a minor, whose archive names it as the guardian's). "
                + "200: already linked. 202: a link request that the person confirms (one-time code to the phone on their record, or approval by their own account); "
                + "its answer is the same whether or not the name matches the record.")
            .ProducesValidationProblem()
            .ProducesErrors(ResidentsErrors.BadToken, ResidentsErrors.LinkCodeDailyLimit, ResidentsErrors.LinkDailyLimit, ResidentsErrors.LinkRequestClosed,
                ResidentsErrors.LinkRequestNotFound, ResidentsErrors.LinkRequestsPendingLimit, ResidentsErrors.NotPersonOrGuardian, ResidentsErrors.RequesterHasHolder,
                ResidentsErrors.ResidentNotFound);
        group.MapGet("/appointments", ListAppointments).WithName("ListMyAppointments").WithSummary("我的预约 / My appointments")
            .ProducesErrors(ResidentsErrors.BadToken);
        group.MapGet("/qr", GetQr).WithName("GetQrCode").WithSummary("接种码（签名、5分钟有效）/ Signed vaccination QR payload, valid 5 minutes")
            .ProducesErrors(ResidentsErrors.BadToken, ResidentsErrors.ResidentNotFound);
        app.MapResidentAuthApi();
        app.MapResidentLinksApi();
        return group;
    }

    public static long AccountId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(JwtRegisteredClaimNames.Sub), out var id) ? id
            : throw ResidentsErrors.BadToken.Exception();

    private static async Task<Ok<IReadOnlyList<MemberDto>>> ListMembers(ClaimsPrincipal user, ResidentService residents, CancellationToken ct) =>
        TypedResults.Ok(await residents.ListMembersAsync(user.AccountId(), ct));

    private static async Task<Results<Created<MemberDto>, Ok<MemberDto>, Accepted<LinkRequestDto>>> RegisterMember(RegisterMemberRequest request,
        ClaimsPrincipal user, ResidentService residents, HttpContext http, CancellationToken ct)
    {
        var outcome = await residents.RegisterMemberAsync(user.AccountId(), request, http.ClientIp(), ct);
        return outcome.Result switch
        {
            AttachResult.Linked => TypedResults.Created($"/api/v1/me/residents/{outcome.Member!.ResidentId}", outcome.Member),
            AttachResult.AlreadyLinked => TypedResults.Ok(outcome.Member!),
            _ => TypedResults.Accepted(ResidentLinksApi.MyRequestsPath, outcome.Request!),
        };
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
