namespace Portal.Core.Injections;

public enum VisitSource
{
    /// <summary>The doctor scanned the resident's signed QR code.</summary>
    QrScan = 1,
    /// <summary>The doctor looked the resident up by ID document number at the desk.</summary>
    IdLookup = 2,
}

/// <summary>A resident present at a site, as the doctor's PDA established it. A dose can be recorded only within a
/// visit (or against today's appointment at the site), so a PDA token cannot record doses for any resident id.</summary>
public class Visit
{
    public long Id { get; set; }
    public long ResidentId { get; set; }
    public long SiteId { get; set; }
    public VisitSource Source { get; set; }
    public string StaffUserId { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
