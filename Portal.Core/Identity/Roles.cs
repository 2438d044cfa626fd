namespace Portal.Core.Identity;

/// <summary>Staff roles. The last three are the MLPS (等保 2.0) separation of duties:
/// the system, security and audit administrators may not be the same account.</summary>
public static class Roles
{
    public const string CityAdmin = "CityAdmin";          // 市级管理员 (CDC)
    public const string DistrictAdmin = "DistrictAdmin";  // 区级管理员
    public const string SiteAdmin = "SiteAdmin";          // 门诊/接种点管理员
    public const string Doctor = "Doctor";                // 接种医生
    public const string EmployerAdmin = "EmployerAdmin";  // 单位管理员
    public const string SystemAdmin = "SystemAdmin";      // 系统管理员
    public const string SecurityAdmin = "SecurityAdmin";  // 安全管理员
    public const string AuditAdmin = "AuditAdmin";        // 审计管理员

    public static readonly IReadOnlyList<string> All =
        [CityAdmin, DistrictAdmin, SiteAdmin, Doctor, EmployerAdmin, SystemAdmin, SecurityAdmin, AuditAdmin];

    /// <summary>Roles that may see full ID and phone numbers (each read is audited).</summary>
    public static readonly IReadOnlyList<string> MayRevealPersonalData = [CityAdmin, SiteAdmin, Doctor];

    /// <summary>Display names, zh-CN then English.</summary>
    public static (string Zh, string En) DisplayName(string role) => role switch
    {
        CityAdmin => ("市级管理员", "City administrator"),
        DistrictAdmin => ("区级管理员", "District administrator"),
        SiteAdmin => ("接种点管理员", "Site administrator"),
        Doctor => ("接种医生", "Doctor"),
        EmployerAdmin => ("单位管理员", "Employer administrator"),
        SystemAdmin => ("系统管理员", "System administrator"),
        SecurityAdmin => ("安全管理员", "Security administrator"),
        AuditAdmin => ("审计管理员", "Audit administrator"),
        _ => (role, role),
    };
}

/// <summary>Authorization policy names, one per kind of work in the console and API.</summary>
public static class Policies
{
    public const string Console = "Console";             // any staff member
    public const string ManageUnits = "ManageUnits";     // city, district
    public const string ManageSites = "ManageSites";     // city, district, site
    public const string ManageCatalogue = "ManageCatalogue"; // city (CDC): vaccine eligibility rules
    public const string ViewInjections = "ViewInjections";
    public const string RecordInjections = "RecordInjections"; // doctor, site admin
    public const string ViewStatistics = "ViewStatistics";
    public const string ManageAccounts = "ManageAccounts";     // system admin
    public const string ManageSecurity = "ManageSecurity";     // security admin
    public const string ViewAudit = "ViewAudit";               // audit admin
    public const string Resident = "Resident";                 // resident API token
    public const string Pda = "Pda";                           // doctor's PDA token
}

/// <summary>What part of the city a staff account may see.</summary>
public enum DataScopeKind
{
    City = 0,
    District = 1,
    Site = 2,
    Employer = 3,
}
