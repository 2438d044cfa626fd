namespace Portal.Core.Areas;

/// <summary>One of Shanghai's 16 districts (区), keyed by its 6-digit GB/T 2260 code.</summary>
public class District
{
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>Resident population (7th census, 2020): the denominator of vaccination rates.</summary>
    public int Population { get; set; }
    public int SortOrder { get; set; }
    public List<Street> Streets { get; set; } = [];
}

/// <summary>A sub-district or town (街道/镇/乡), keyed by its 9-digit code.</summary>
public class Street
{
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string DistrictCode { get; set; } = "";
    public District? District { get; set; }
    public int Population { get; set; }
}
