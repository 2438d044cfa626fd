using Portal.Core.Common;
using Portal.Core.Residents;

namespace Portal.Core.Injections.Queries;

/// <summary>One line of the injections list and its exports. It never holds a full ID or phone number:
/// those come only from <see cref="InjectionQueryService.RevealAsync"/>, which is audited.</summary>
/// <param name="InjectedAt">China Standard Time (+08:00).</param>
/// <param name="ResidentName">The full name for callers who may reveal personal data, the masked name for everyone else.</param>
/// <param name="IdNumberMasked">e.g. 310104********1234.</param>
/// <param name="PhoneMasked">e.g. 138****5678; empty when none is on file.</param>
/// <param name="Age">Whole years on the day of the injection.</param>
/// <param name="DoctorName">The doctor's display name, or <see cref="InjectionRow.UnknownDoctor"/> when the id matches no account.</param>
public sealed record InjectionRow(
    long Id,
    long ResidentId,
    DateTimeOffset InjectedAt,
    string ResidentName,
    string IdNumberMasked,
    string PhoneMasked,
    Sex Sex,
    int Age,
    Bilingual Vaccine,
    int DoseNumber,
    string BatchNumber,
    string SiteName,
    string DistrictName,
    string DoctorName)
{
    public const string UnknownDoctor = "—";
}
