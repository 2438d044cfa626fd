using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Core.Identity;
using Portal.Core.Residents;
using Portal.Core.Residents.Links;

namespace Portal.Api;

/// <summary>Who may act for whom (docs/decisions/0007-who-may-act-for-whom.md): link requests and their confirmation by code
/// or by the person's own account, the accounts linked to a person, their removal, and detaching oneself. Mapped by
/// <see cref="ResidentsApi.MapResidentsApi"/>.</summary>
public static class ResidentLinksApi
{
    public const string MyRequestsPath = "/api/v1/me/link-requests";

    public static RouteGroupBuilder MapResidentLinksApi(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/v1/me").WithTags("Resident: linked accounts").RequireAuthorization(Policies.Resident);

        me.MapGet("/link-requests", ListMine).WithName("ListMyLinkRequests")
            .WithSummary("我的关联申请 / My requests to act for people already on record")
            .ProducesErrors(ResidentsErrors.BadToken);
        me.MapPost("/link-requests/{id:long}/confirm", Confirm).WithName("ConfirmLinkRequest")
            .WithSummary("用验证码确认关联申请 / Confirm a link request with the code sent to the person's phone")
            .ProducesValidationProblem()
            .ProducesErrors(ResidentsErrors.BadToken, ResidentsErrors.LinkRequestClosed, ResidentsErrors.LinkRequestNotFound, ResidentsErrors.RequesterHasHolder);
        me.MapPost("/link-requests/{id:long}/code", Resend).WithName("ResendLinkCode")
            .WithSummary("重新发送关联验证码 / Send the link request's code again")
            .ProducesErrors(ResidentsErrors.BadToken, ResidentsErrors.LinkCodeDailyLimit, ResidentsErrors.LinkCodeTooFrequent, ResidentsErrors.LinkRequestClosed,
                ResidentsErrors.LinkRequestNotFound, ResidentsErrors.NotPersonOrGuardian, ResidentsErrors.ResidentNotFound);
        me.MapDelete("/link-requests/{id:long}", Withdraw).WithName("WithdrawLinkRequest")
            .WithSummary("撤回关联申请 / Withdraw a link request")
            .ProducesErrors(ResidentsErrors.BadToken, ResidentsErrors.LinkRequestClosed, ResidentsErrors.LinkRequestNotFound);

        me.MapGet("/link-requests/incoming", ListIncoming).WithName("ListIncomingLinkRequests")
            .WithSummary("他人申请代我（或我监护的未成年人）办理 / Requests to act for me or a minor in my care")
            .ProducesErrors(ResidentsErrors.BadToken);
        me.MapPost("/link-requests/{id:long}/approve", Approve).WithName("ApproveLinkRequest")
            .WithSummary("同意关联申请 / Approve a request to act for me or a minor in my care")
            .ProducesErrors(ResidentsErrors.BadToken, ResidentsErrors.LinkRequestClosed, ResidentsErrors.LinkRequestNotFound, ResidentsErrors.RequesterHasHolder);
        me.MapPost("/link-requests/{id:long}/reject", Reject).WithName("RejectLinkRequest")
            .WithSummary("拒绝关联申请 / Reject a request to act for me or a minor in my care")
            .ProducesErrors(ResidentsErrors.BadToken, ResidentsErrors.LinkRequestClosed, ResidentsErrors.LinkRequestNotFound);

        me.MapGet("/residents/{residentId:long}/accounts", ListLinkedAccounts).WithName("ListLinkedAccounts")
            .WithSummary("可代该成员办理的账号 / Accounts that act for this person (for the person or a minor's guardian)")
            .ProducesErrors(ResidentsErrors.BadToken, ResidentsErrors.NotPersonOrGuardian, ResidentsErrors.ResidentNotFound);
        me.MapDelete("/residents/{residentId:long}/accounts/{accountId:long}", RemoveLinkedAccount).WithName("RemoveLinkedAccount")
            .WithSummary("移除他人账号的代办权限 / Remove another account's link to this person")
            .ProducesValidationProblem()
            .ProducesErrors(ResidentsErrors.BadToken, ResidentsErrors.LinkNotRemovable, ResidentsErrors.LinkedAccountNotFound,
                ResidentsErrors.NotPersonOrGuardian, ResidentsErrors.ResidentNotFound);
        me.MapDelete("/residents/{residentId:long}", Detach).WithName("DetachMember")
            .WithSummary("移除成员（取消本账号的代办）/ Detach this account from a person")
            .ProducesErrors(ResidentsErrors.BadToken, ResidentsErrors.ResidentNotFound);
        return me;
    }

    private static async Task<Ok<IReadOnlyList<LinkRequestDto>>> ListMine(ClaimsPrincipal user, ResidentLinkService links, CancellationToken ct) =>
        TypedResults.Ok(await links.ListMineAsync(user.AccountId(), ct));

    private static async Task<Ok<MemberDto>> Confirm(long id, ConfirmLinkRequest request, ClaimsPrincipal user, ResidentLinkService links, HttpContext http,
        CancellationToken ct) =>
        TypedResults.Ok(await links.ConfirmAsync(user.AccountId(), id, request.Code, http.ClientIp(), ct));

    private static async Task<Accepted<LinkRequestDto>> Resend(long id, ClaimsPrincipal user, ResidentLinkService links, HttpContext http, CancellationToken ct) =>
        TypedResults.Accepted(MyRequestsPath, await links.ResendCodeAsync(user.AccountId(), id, http.ClientIp(), ct));

    private static async Task<NoContent> Withdraw(long id, ClaimsPrincipal user, ResidentLinkService links, HttpContext http, CancellationToken ct)
    {
        await links.WithdrawAsync(user.AccountId(), id, http.ClientIp(), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<IncomingLinkRequestDto>>> ListIncoming(ClaimsPrincipal user, ResidentLinkService links, CancellationToken ct) =>
        TypedResults.Ok(await links.ListIncomingAsync(user.AccountId(), ct));

    private static async Task<Ok<LinkedAccountDto>> Approve(long id, ClaimsPrincipal user, ResidentLinkService links, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await links.ApproveAsync(user.AccountId(), id, http.ClientIp(), ct));

    private static async Task<NoContent> Reject(long id, ClaimsPrincipal user, ResidentLinkService links, HttpContext http, CancellationToken ct)
    {
        await links.RejectAsync(user.AccountId(), id, http.ClientIp(), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<LinkedAccountDto>>> ListLinkedAccounts(long residentId, ClaimsPrincipal user, ResidentLinkService links,
        CancellationToken ct) =>
        TypedResults.Ok(await links.ListLinkedAccountsAsync(user.AccountId(), residentId, ct));

    private static async Task<NoContent> RemoveLinkedAccount(long residentId, long accountId, ClaimsPrincipal user, ResidentLinkService links, HttpContext http,
        CancellationToken ct)
    {
        await links.RemoveLinkAsync(user.AccountId(), residentId, accountId, http.ClientIp(), ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Detach(long residentId, ClaimsPrincipal user, ResidentLinkService links, HttpContext http, CancellationToken ct)
    {
        await links.DetachAsync(user.AccountId(), residentId, http.ClientIp(), ct);
        return TypedResults.NoContent();
    }
}
