namespace Portal.Core.Jobs;

/// <summary>The last occurrence of a recurring job that some instance claimed: one row per job. Claiming an occurrence
/// is a conditional update of this row (only from an earlier occurrence), so of several instances exactly one wins.</summary>
public class JobRun
{
    public const int NameLength = 100;
    public const int InstanceLength = 200;

    public string Name { get; set; } = "";

    /// <summary>Unix milliseconds of the claimed occurrence: an integer compares alike on every provider.</summary>
    public long Occurrence { get; set; }

    /// <summary>Which instance claimed it (machine and process), for the operator reading the table.</summary>
    public string Instance { get; set; } = "";

    public DateTimeOffset ClaimedAt { get; set; }
}
