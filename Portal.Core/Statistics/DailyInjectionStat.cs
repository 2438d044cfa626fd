namespace Portal.Core.Statistics;

/// <summary>Pre-aggregated counter: doses given on one day, at one site, of one product and dose
/// number, for one district/street/employer. Incremented when an injection is recorded, so
/// dashboards never scan the injections table.</summary>
public class DailyInjectionStat
{
    public long Id { get; set; }
    public DateOnly Date { get; set; }
    public string DistrictCode { get; set; } = "";
    public string StreetCode { get; set; } = "";
    public long SiteId { get; set; }
    public long EmployerId { get; set; }
    public long ProgrammeId { get; set; }
    public long ProductId { get; set; }
    public int DoseNumber { get; set; }
    public int Count { get; set; }
}

/// <summary>A vaccination target (e.g. 80% of over-60s with PPSV23 in a district by a date).</summary>
public class VaccinationTarget
{
    public long Id { get; set; }
    public string ProgrammeCode { get; set; } = "";
    public string? DistrictCode { get; set; }
    public int TargetDoses { get; set; }
    public DateOnly StartsOn { get; set; }
    public DateOnly EndsOn { get; set; }
}
