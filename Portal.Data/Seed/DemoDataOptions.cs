namespace Portal.Data.Seed;

/// <summary>Section "Seed:Demo". Deterministic for a given <see cref="RandomSeed"/>; sized so the
/// dashboards have life on first start, and large enough (Days × InjectionsPerDay) for benchmarks.</summary>
public sealed class DemoDataOptions
{
    public const string Section = "Seed:Demo";

    /// <summary>Null means: on in Development, off elsewhere.</summary>
    public bool? Enabled { get; set; }
    public int RandomSeed { get; set; } = 20261125;
    public int SitesPerDistrict { get; set; } = 3;
    public int Residents { get; set; } = 2000;
    public int Days { get; set; } = 30;
    public int InjectionsPerDay { get; set; } = 400;
    public int SlotDaysAhead { get; set; } = 14;
    public int Employers { get; set; } = 20;
}
