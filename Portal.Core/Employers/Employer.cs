using Portal.Core.Common;

namespace Portal.Core.Employers;

/// <summary>An employer or organisation (单位) that registers its staff for group vaccination.</summary>
public class Employer : Entity
{
    public string Name { get; set; } = "";
    /// <summary>统一社会信用代码 (18 characters).</summary>
    public string CreditCode { get; set; } = "";
    public string DistrictCode { get; set; } = "";
    public string? StreetCode { get; set; }
    public string Address { get; set; } = "";
    public string ContactName { get; set; } = "";
    public string ContactPhoneMasked { get; set; } = "";
    public string? ContactPhoneCipher { get; set; }
    public int HeadCount { get; set; }
    public bool IsActive { get; set; } = true;
    public List<EmployeeRosterEntry> Roster { get; set; } = [];
}

/// <summary>One person on an employer's staff roster (人员名单); linked to a resident once matched.</summary>
public class EmployeeRosterEntry : Entity
{
    public long EmployerId { get; set; }
    public Employer? Employer { get; set; }
    public long? ResidentId { get; set; }
    public string Name { get; set; } = "";
    public string IdNumberMasked { get; set; } = "";
    public string IdNumberHash { get; set; } = "";
    public string IdNumberCipher { get; set; } = "";
    public string? Department { get; set; }
    public bool Exempt { get; set; }
    public string? ExemptReason { get; set; }
}
