using Portal.Core.Common;

namespace Portal.Core.Sites;

public enum SiteKind
{
    /// <summary>接种门诊: a permanent clinic.</summary>
    Clinic = 1,
    /// <summary>临时接种点: a temporary mass-vaccination site.</summary>
    Temporary = 2,
}

/// <summary>A vaccination site (接种点).</summary>
public class Site : Entity
{
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public SiteKind Kind { get; set; }
    public string DistrictCode { get; set; } = "";
    public string StreetCode { get; set; } = "";
    public string Address { get; set; } = "";
    public string Phone { get; set; } = "";
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }
    /// <summary>For temporary sites: the dates it operates.</summary>
    public DateOnly? ActiveFrom { get; set; }
    public DateOnly? ActiveTo { get; set; }
    /// <summary>For a temporary site set up for one employer.</summary>
    public long? EmployerId { get; set; }
    public bool IsActive { get; set; } = true;
    public string? Notice { get; set; }
    public List<OpeningHours> OpeningHours { get; set; } = [];
}

/// <summary>Regular opening hours of a site on one weekday; several rows per day allowed.</summary>
public class OpeningHours
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    public DayOfWeek Day { get; set; }
    public TimeOnly Opens { get; set; }
    public TimeOnly Closes { get; set; }
}

/// <summary>A day a site is closed (holiday, training) or has special hours.</summary>
public class SiteClosure
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    public DateOnly Date { get; set; }
    public string Reason { get; set; } = "";
}

/// <summary>A vaccination device / PDA registered to a site.</summary>
public class Device : Entity
{
    public const int SerialNumberLength = 64;

    public long SiteId { get; set; }
    public string SerialNumber { get; set; } = "";
    public string Name { get; set; } = "";
    public bool IsActive { get; set; } = true;
    public DateTimeOffset? LastSeenAt { get; set; }
}
