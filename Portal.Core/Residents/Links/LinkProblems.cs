using Portal.Core.Common;

namespace Portal.Core.Residents.Links;

/// <summary>Errors of linking accounts to people, thrown from <see cref="ResidentsErrors"/> (the codes live there only), and the
/// field messages of the code step. The answers to a requester never depend on whether the name they gave matched the
/// record (docs/decisions/0007-who-may-act-for-whom.md).</summary>
public static class LinkProblems
{
    public static readonly Bilingual CodeFormat = new("请输入6位数字验证码", "Enter the 6-digit code");
    public static readonly Bilingual CodeWrong = new("验证码错误", "The code is wrong");
    public static readonly Bilingual CodeExpired = new("验证码已过期，请重新获取", "The code has expired; request a new one");
    public static readonly Bilingual CodeTooManyTries = new("错误次数过多，请重新获取验证码", "Too many wrong tries; request a new code");
    public static readonly Bilingual SelfTaken = new("本账号已登记本人信息", "This account already has its holder registered");
    public static readonly Bilingual NotYourself = new("要取消自己与该成员的关联，请使用“移除成员”", "To remove your own link to this person, detach yourself instead");

    public static DomainProblemException RequestNotFound() =>
        ResidentsErrors.LinkRequestNotFound.Exception();

    public static DomainProblemException RequestClosed() =>
        ResidentsErrors.LinkRequestClosed.Exception();

    public static DomainProblemException TooManyPending(int limit, TimeSpan retryAfter) =>
        ResidentsErrors.LinkRequestsPendingLimit.Exception(retryAfter: retryAfter, args: [limit]);

    public static DomainProblemException DailyLimit(int limit, TimeSpan retryAfter) =>
        ResidentsErrors.LinkDailyLimit.Exception(retryAfter: retryAfter, args: [limit]);

    public static DomainProblemException CodeTooFrequent(TimeSpan retryAfter) =>
        ResidentsErrors.LinkCodeTooFrequent.Exception(retryAfter: retryAfter);

    public static DomainProblemException CodeDailyLimit(TimeSpan retryAfter) =>
        ResidentsErrors.LinkCodeDailyLimit.Exception(retryAfter: retryAfter);

    public static DomainProblemException NotManager() =>
        ResidentsErrors.NotPersonOrGuardian.Exception();

    public static DomainProblemException NotRemovable() =>
        ResidentsErrors.LinkNotRemovable.Exception();

    public static DomainProblemException LinkedAccountNotFound() =>
        ResidentsErrors.LinkedAccountNotFound.Exception();

    public static DomainProblemException RequesterHasHolder() =>
        ResidentsErrors.RequesterHasHolder.Exception();

}
