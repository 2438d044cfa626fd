namespace Portal.Core.Auditing;

/// <summary>Action names written to the audit log: one place, no magic strings.</summary>
public static class AuditActions
{
    public const string RevealPersonalData = "RevealPersonalData";
    public const string Export = "Export";
    public const string SignIn = "SignIn";
    public const string SignInFailed = "SignInFailed";
    public const string RecordInjection = "RecordInjection";
    public const string EligibilityOverride = "EligibilityOverride";
    public const string ScanQr = "ScanQr";
    public const string LookupResident = "LookupResident";
}

/// <summary>An append-only audit record (who did what to which record, from where).</summary>
public class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public string? UserId { get; set; }
    public string UserName { get; set; } = "";
    public string Action { get; set; } = "";
    public string EntityType { get; set; } = "";
    public string? EntityId { get; set; }
    public string Detail { get; set; } = "";
    public string? IpAddress { get; set; }
}
