using Portal.Core.Common;
using Portal.Core.Residents;

namespace Portal.Core.Vaccines;

public enum ProgrammeCategory
{
    /// <summary>国家免疫规划 (children, free).</summary>
    ChildrenNip = 1,
    Adult = 2,
    Elderly = 3,
    Covid = 4,
}

/// <summary>A vaccination programme (e.g. 九价HPV, 带状疱疹): what residents book and statistics group by.</summary>
public class VaccineProgramme
{
    public const int CodeLength = 32;

    public long Id { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string NameEn { get; set; } = "";
    public ProgrammeCategory Category { get; set; }
    /// <summary>Free of charge (NIP, city programmes such as PPSV23 for Shanghai residents).</summary>
    public bool IsFree { get; set; }
    public int SortOrder { get; set; }
    public List<VaccineProduct> Products { get; set; } = [];
}

/// <summary>A vaccine product (brand) with its eligibility and dose schedule. Rules are data that
/// CDC administrators edit; nothing about a product is hard-coded.</summary>
public class VaccineProduct : Entity
{
    public long ProgrammeId { get; set; }
    public VaccineProgramme? Programme { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string NameEn { get; set; } = "";
    public string Brand { get; set; } = "";
    public string BrandEn { get; set; } = "";
    public string Maker { get; set; } = "";
    public string MakerEn { get; set; } = "";
    /// <summary>e.g. 2 for bivalent HPV, 23 for PPSV23; null where valency does not apply.</summary>
    public int? Valency { get; set; }
    public string Technology { get; set; } = "";
    /// <summary>Allowed sex; null = any.</summary>
    public Sex? RequiredSex { get; set; }
    public int MinAgeMonths { get; set; }
    /// <summary>Exclusive upper bound in months (46 years = 552 means up to the day before the 46th birthday); null = no limit.</summary>
    public int? MaxAgeMonthsExclusive { get; set; }
    /// <summary>Products with the same series group count toward each other's series (e.g. the two COVID inactivated vaccines).</summary>
    public string SeriesGroup { get; set; } = "";
    /// <summary>Scarce: first doses are allocated through the waitlist (紧缺疫苗登记).</summary>
    public bool IsScarce { get; set; }
    public bool IsActive { get; set; } = true;
    public List<DoseSchedule> Schedules { get; set; } = [];
}

/// <summary>The series a product follows for people whose age at the first dose is in
/// [MinAgeMonths, MaxAgeMonthsExclusive): e.g. Cecolin 2 doses at 9–14 y, 3 at 15–45 y.</summary>
public class DoseSchedule
{
    public long Id { get; set; }
    public long ProductId { get; set; }
    public int MinAgeMonths { get; set; }
    public int? MaxAgeMonthsExclusive { get; set; }
    public int DoseCount { get; set; }
    public List<DoseRule> Doses { get; set; } = [];
}

public enum IntervalFrom
{
    FirstDose = 1,
    PreviousDose = 2,
}

/// <summary>When dose N may be given, relative to the first or the previous dose.
/// Months are calendar months, added before days.</summary>
public class DoseRule
{
    public long Id { get; set; }
    public long ScheduleId { get; set; }
    public int DoseNumber { get; set; }
    public IntervalFrom From { get; set; }
    public int MinIntervalMonths { get; set; }
    public int MinIntervalDays { get; set; }
    public int? MaxIntervalMonths { get; set; }
    public int? MaxIntervalDays { get; set; }
    public bool IsBooster { get; set; }
}

/// <summary>One row of the children's immunisation schedule (儿童免疫程序), by age.</summary>
public class ChildScheduleEntry
{
    public long Id { get; set; }
    public int AgeMonths { get; set; }
    public string ProgrammeCode { get; set; } = "";
    public int DoseNumber { get; set; }
    public string Label { get; set; } = "";
    public string LabelEn { get; set; } = "";
    /// <summary>Shanghai adds varicella to the national table.</summary>
    public bool IsLocalAddition { get; set; }
}
