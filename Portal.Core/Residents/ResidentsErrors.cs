using Portal.Core.Common;

namespace Portal.Core.Residents;

/// <summary>Every error of residents: a stable code, its status and its message in Chinese and English
/// (placeholders {0}, {1} are filled by the caller). The API answers each as ProblemDetails through one writer.</summary>
public static class ResidentsErrors
{
    public static readonly DomainError BadToken = new("bad_token", ProblemKind.Unauthorized, "令牌无效", "The token is not valid");

    public static readonly DomainError LinkCodeDailyLimit = new("link_code_daily_limit", ProblemKind.TooManyRequests, "该成员今日的验证码次数已达上限，请明天再试", "The daily limit of codes for this person has been reached; try again tomorrow");

    public static readonly DomainError LinkCodeTooFrequent = new("link_code_too_frequent", ProblemKind.TooManyRequests, "验证码发送过于频繁，请1分钟后再试", "A code was sent less than a minute ago; try again in a minute");

    public static readonly DomainError LinkDailyLimit = new("link_daily_limit", ProblemKind.TooManyRequests, "本账号24小时内最多添加{0}位成员（含申请），请稍后再试", "An account may add at most {0} people (requests included) in 24 hours; try again later");

    public static readonly DomainError LinkNotRemovable = new("link_not_removable", ProblemKind.Forbidden, "您不能移除该账号：本人的关联只能由本人取消，监护人的关联只能由本人（成年后）或监护人自己取消", "You may not remove this account: the person's own link is removed only by the person, a guardian's only by the adult person or by the guardian");

    public static readonly DomainError LinkRequestClosed = new("link_request_closed", ProblemKind.Conflict, "该申请已确认、撤回或过期", "This request has been confirmed, withdrawn or has expired");

    public static readonly DomainError LinkRequestNotFound = new("link_request_not_found", ProblemKind.NotFound, "未找到该关联申请", "No such link request");

    public static readonly DomainError LinkRequestsPendingLimit = new("link_requests_pending_limit", ProblemKind.TooManyRequests, "待确认的关联申请最多{0}项，请等待确认、撤回或过期后再试", "At most {0} link requests may wait for confirmation; wait until one is confirmed or expires, or withdraw one");

    public static readonly DomainError LinkedAccountNotFound = new("linked_account_not_found", ProblemKind.NotFound, "该账号未关联此成员", "That account is not linked to this person");

    public static readonly DomainError NotPersonOrGuardian = new("not_person_or_guardian", ProblemKind.Forbidden, "只有本人或未成年人的监护人可以管理关联账号", "Only the person, or the guardian of a minor, may manage the accounts linked to them");

    public static readonly DomainError RequesterHasHolder = new("requester_has_holder", ProblemKind.Conflict, "申请账号已登记了另一位本人，不能再以本人身份关联", "The requesting account already has another person as its holder and cannot link this one as Self");

    /// <summary>Owned here, thrown by residents, eligibility and injections alike: one wording for the resident app and the PDA.</summary>
    public static readonly DomainError ResidentNotFound = new("resident_not_found", ProblemKind.NotFound, "未找到受种者", "No such resident");

    public static readonly DomainError SmsDailyLimit = new("sms_daily_limit", ProblemKind.TooManyRequests, "今日验证码次数已达上限", "The daily limit of codes for this number has been reached");

    public static readonly DomainError SmsIpLimit = new("sms_ip_limit", ProblemKind.TooManyRequests, "此网络请求验证码过于频繁，请稍后再试", "Too many codes were requested from this network; try again later");

    public static readonly DomainError SmsTooFrequent = new("sms_too_frequent", ProblemKind.TooManyRequests, "验证码发送过于频繁，请1分钟后再试", "A code was sent less than a minute ago; try again in a minute");

    public static readonly DomainError SmsUnavailable = new("sms_unavailable", ProblemKind.Conflict, "短信服务暂时不可用，请稍后再试", "The SMS service is temporarily unavailable; please try again later");
}
