namespace Portal.Core.Areas;

/// <summary>One of Shanghai's 16 districts (区), keyed by its 6-digit GB/T 2260 code.</summary>
public class District
{
    /// <summary>GB/T 2260 district codes are six digits: the length of every DistrictCode column and input.</summary>
    public const int CodeLength = 6;

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
    /// <summary>Street (township) codes are nine digits: the length of every StreetCode column and input.</summary>
    public const int CodeLength = 9;

    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string DistrictCode { get; set; } = "";
    public District? District { get; set; }
    public int Population { get; set; }
}
