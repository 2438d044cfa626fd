using Portal.Core.Common;

namespace Portal.Core.Areas;

/// <summary>Every error of areas (districts and streets): a stable code, its status and its message in Chinese and English.
/// The API answers each as ProblemDetails through one writer.</summary>
public static class AreasErrors
{
    public static readonly DomainError DistrictNotFound = new("district_not_found", ProblemKind.NotFound, "未找到该区", "No such district");

    public static readonly DomainError StreetNotFound = new("street_not_found", ProblemKind.NotFound, "未找到该街道", "No such street (in this district)");
}
