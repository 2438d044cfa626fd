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
}
