using Portal.Core.Common;

namespace Portal.Core.Vaccines;

/// <summary>Every error of vaccines: a stable code, its status and its message in Chinese and English
/// (placeholders {0}, {1} are filled by the caller). The API answers each as ProblemDetails through one writer.</summary>
public static class VaccinesErrors
{
    public static readonly DomainError DoseRuleNotFound = new("dose_rule_not_found", ProblemKind.NotFound, "剂次规则不存在", "No such dose rule");

    public static readonly DomainError LotNotFound = new("lot_not_found", ProblemKind.NotFound, "未查到该批号或追溯码，请核对后重试", "No lot has this batch number or traceability code");

    public static readonly DomainError ProductNotFound = new("product_not_found", ProblemKind.NotFound, "疫苗不存在", "No such vaccine product");

    public static readonly DomainError ScheduleNotFound = new("schedule_not_found", ProblemKind.NotFound, "免疫程序不存在", "No such dose schedule");
}
