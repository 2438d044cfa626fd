using Portal.Core.Common;

namespace Portal.Core.Injections;

/// <summary>Every error of injections: a stable code, its status and its message in Chinese and English
/// (placeholders {0}, {1} are filled by the caller). The API answers each as ProblemDetails through one writer.</summary>
public static class InjectionsErrors
{
    public static readonly DomainError DoseAlreadyToday = new("dose_already_today", ProblemKind.Conflict, "该受种者今日已接种过此疫苗", "This person has already had a dose of this vaccine today");

    public static readonly DomainError OutOfStock = new("out_of_stock", ProblemKind.Conflict, "本接种点该批号库存不足", "This site has no stock of that lot");

    public static readonly DomainError VisitRequired = new("visit_required", ProblemKind.Conflict, "请先扫描受种者的接种码或核对其证件，或选择其今日在本接种点的预约", "Scan the resident's code or check their ID first, or choose their appointment here today");

    /// <summary>Message from <see cref="Queries.ExportLimitExceededException"/>, which knows the counts.</summary>
    public static readonly DomainError ExportTooLarge = new("export_too_large", ProblemKind.BadRequest);
}
