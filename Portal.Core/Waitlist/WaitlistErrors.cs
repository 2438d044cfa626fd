using Portal.Core.Common;

namespace Portal.Core.Waitlist;

/// <summary>Every error of waitlist: a stable code, its status and its message in Chinese and English
/// (placeholders {0}, {1} are filled by the caller). The API answers each as ProblemDetails through one writer.</summary>
public static class WaitlistErrors
{
    public static readonly DomainError AlreadyRegistered = new("already_registered", ProblemKind.Conflict, "该接种人已登记此疫苗", "This person is already on the waitlist for this vaccine");

    public static readonly DomainError CampaignNotFound = new("campaign_not_found", ProblemKind.NotFound, "分配批次不存在", "No such campaign");

    public static readonly DomainError NoOneWaiting = new("no_one_waiting", ProblemKind.Conflict, "没有符合条件的排队登记", "Nobody eligible is waiting for this vaccine");

    public static readonly DomainError OfferNotFound = new("offer_not_found", ProblemKind.NotFound, "名额不存在", "No such offer");

    public static readonly DomainError OfferNotOpen = new("offer_not_open", ProblemKind.Conflict, "该名额已失效或已处理", "This offer has expired or was already used or declined");

    public static readonly DomainError WaitlistEntryBooked = new("waitlist_entry_booked", ProblemKind.Conflict, "已凭名额预约，请取消预约", "A booking was made with this entry's offer: cancel the appointment instead");

    public static readonly DomainError WaitlistEntryClosed = new("waitlist_entry_closed", ProblemKind.Conflict, "该登记已结束", "This waitlist entry is already closed");

    public static readonly DomainError WaitlistEntryNotFound = new("waitlist_entry_not_found", ProblemKind.NotFound, "排队登记不存在", "No such waitlist entry");

    public static readonly DomainError WaitlistNotNeeded = new("waitlist_not_needed", ProblemKind.Conflict, "已接种首剂，后续剂次可直接预约", "The first dose has been given: book the next doses directly");

    public static readonly DomainError WaitlistOutOfScope = new("waitlist_out_of_scope", ProblemKind.Forbidden, "您的账号无权分配紧缺疫苗名额", "Your account may not allocate scarce-vaccine places");
}
