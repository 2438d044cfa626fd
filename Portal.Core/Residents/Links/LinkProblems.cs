using Portal.Core.Common;

namespace Portal.Core.Residents.Links;

/// <summary>Errors of linking accounts to people: one code and message each, in both languages. The answers to a requester
/// never depend on whether the name they gave matched the record (docs/decisions/0007-who-may-act-for-whom.md).</summary>
public static class LinkProblems
{
    public const string RequestNotFoundCode = "link_request_not_found";
    public const string RequestClosedCode = "link_request_closed";
    public const string TooManyPendingCode = "link_requests_pending_limit";
    public const string DailyLimitCode = "link_daily_limit";
    public const string CodeTooFrequentCode = "link_code_too_frequent";
    public const string CodeDailyLimitCode = "link_code_daily_limit";
    public const string NotManagerCode = "not_person_or_guardian";
    public const string NotRemovableCode = "link_not_removable";
    public const string LinkedAccountNotFoundCode = "linked_account_not_found";
    public const string RequesterHasHolderCode = "requester_has_holder";

    public static readonly Bilingual CodeFormat = new("请输入6位数字验证码", "Enter the 6-digit code");
    public static readonly Bilingual CodeWrong = new("验证码错误", "The code is wrong");
    public static readonly Bilingual CodeExpired = new("验证码已过期，请重新获取", "The code has expired; request a new one");
    public static readonly Bilingual CodeTooManyTries = new("错误次数过多，请重新获取验证码", "Too many wrong tries; request a new code");
    public static readonly Bilingual SelfTaken = new("本账号已登记本人信息", "This account already has its holder registered");
    public static readonly Bilingual NotYourself = new("要取消自己与该成员的关联，请使用“移除成员”", "To remove your own link to this person, detach yourself instead");

    public static DomainProblemException RequestNotFound() =>
        new(ProblemKind.NotFound, RequestNotFoundCode, new("未找到该关联申请", "No such link request"));

    public static DomainProblemException RequestClosed() =>
        new(ProblemKind.Conflict, RequestClosedCode, new("该申请已确认、撤回或过期", "This request has been confirmed, withdrawn or has expired"));

    public static DomainProblemException TooManyPending(int limit, TimeSpan retryAfter) =>
        new(ProblemKind.TooManyRequests, TooManyPendingCode,
            new($"待确认的关联申请最多{limit}项，请等待确认、撤回或过期后再试", $"At most {limit} link requests may wait for confirmation; wait until one is confirmed or expires, or withdraw one"),
            AtLeastASecond(retryAfter));

    public static DomainProblemException DailyLimit(int limit, TimeSpan retryAfter) =>
        new(ProblemKind.TooManyRequests, DailyLimitCode,
            new($"本账号24小时内最多添加{limit}位成员（含申请），请稍后再试", $"An account may add at most {limit} people (requests included) in 24 hours; try again later"),
            AtLeastASecond(retryAfter));

    public static DomainProblemException CodeTooFrequent(TimeSpan retryAfter) =>
        new(ProblemKind.TooManyRequests, CodeTooFrequentCode,
            new("验证码发送过于频繁，请1分钟后再试", "A code was sent less than a minute ago; try again in a minute"), AtLeastASecond(retryAfter));

    public static DomainProblemException CodeDailyLimit(TimeSpan retryAfter) =>
        new(ProblemKind.TooManyRequests, CodeDailyLimitCode,
            new("该成员今日的验证码次数已达上限，请明天再试", "The daily limit of codes for this person has been reached; try again tomorrow"),
            AtLeastASecond(retryAfter));

    public static DomainProblemException NotManager() =>
        new(ProblemKind.Forbidden, NotManagerCode,
            new("只有本人或未成年人的监护人可以管理关联账号", "Only the person, or the guardian of a minor, may manage the accounts linked to them"));

    public static DomainProblemException NotRemovable() =>
        new(ProblemKind.Forbidden, NotRemovableCode,
            new("您不能移除该账号：本人的关联只能由本人取消，监护人的关联只能由本人（成年后）或监护人自己取消",
                "You may not remove this account: the person's own link is removed only by the person, a guardian's only by the adult person or by the guardian"));

    public static DomainProblemException LinkedAccountNotFound() =>
        new(ProblemKind.NotFound, LinkedAccountNotFoundCode, new("该账号未关联此成员", "That account is not linked to this person"));

    public static DomainProblemException RequesterHasHolder() =>
        new(ProblemKind.Conflict, RequesterHasHolderCode,
            new("申请账号已登记了另一位本人，不能再以本人身份关联", "The requesting account already has another person as its holder and cannot link this one as Self"));

    private static TimeSpan AtLeastASecond(TimeSpan t) => t > TimeSpan.FromSeconds(1) ? t : TimeSpan.FromSeconds(1);
}
