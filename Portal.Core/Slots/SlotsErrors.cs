using Portal.Core.Common;

namespace Portal.Core.Slots;

/// <summary>Every error of slots: a stable code, its status and its message in Chinese and English
/// (placeholders {0}, {1} are filled by the caller). The API answers each as ProblemDetails through one writer.</summary>
public static class SlotsErrors
{
    public static readonly DomainError ClosureNotFound = new("closure_not_found", ProblemKind.NotFound, "停诊日不存在", "No such closure day");

    public static readonly DomainError SiteOutOfScope = new("site_out_of_scope", ProblemKind.Forbidden, "您无权管理该接种点", "You may not manage this vaccination site");

    public static readonly DomainError SlotChanged = new("slot_changed", ProblemKind.Conflict, "该时段已被他人修改，请刷新后重试", "This slot was changed by someone else; reload and try again");

    public static readonly DomainError SlotNotFound = new("slot_not_found", ProblemKind.NotFound, "预约时段不存在", "No such slot");

    public static readonly DomainError TemplateNotFound = new("template_not_found", ProblemKind.NotFound, "号源模板不存在", "No such slot template");
}
