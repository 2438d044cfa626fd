namespace Portal.Core.Auditing;

/// <summary>Action names written to the audit log: one place, no magic strings.</summary>
public static class AuditActions
{
    public const string RevealPersonalData = "RevealPersonalData";
    public const string Export = "Export";
    public const string SignIn = "SignIn";
    public const string SignInFailed = "SignInFailed";
    /// <summary>A sign-in refused unchecked because its source made too many failures (the throttle).</summary>
    public const string SignInBlocked = "SignInBlocked";
    /// <summary>The right password, but the account may not sign in here (disabled, locked, not a doctor for the PDA,
    /// second factor required but not set up).</summary>
    public const string SignInRefused = "SignInRefused";
    public const string SecondFactorFailed = "SecondFactorFailed";
    public const string TwoFactorEnabled = "TwoFactorEnabled";
    public const string TwoFactorReset = "TwoFactorReset";
    public const string SignOut = "SignOut";
    public const string SessionIdleTimeout = "SessionIdleTimeout";
    public const string SessionExpired = "SessionExpired";
    /// <summary>Every session and PDA token of an account ended (disabled, roles or scope changed, password reset).</summary>
    public const string AccessRevoked = "AccessRevoked";
    public const string SecurityPolicyChanged = "SecurityPolicyChanged";
    public const string RecordInjection = "RecordInjection";
    public const string EligibilityOverride = "EligibilityOverride";
    public const string ScanQr = "ScanQr";
    public const string LookupResident = "LookupResident";

    // Who may act for whom (docs/decisions/0007-who-may-act-for-whom.md). The user of these entries is the
    // resident account ("resident:{id}", its masked phone); the entity is the person (Resident, by id).
    /// <summary>An account now acts for a person; the detail names the proof (<c>LinkProof</c>).</summary>
    public const string ResidentLinked = "ResidentLinked";
    /// <summary>An account asked to act for a person who already has a record (a pending link request).</summary>
    public const string ResidentLinkRequested = "ResidentLinkRequested";
    /// <summary>A one-time code was due for a link request: sent to the phone on the record, or withheld (the detail
    /// says which and why). The daily code limits count these entries.</summary>
    public const string ResidentLinkCode = "ResidentLinkCode";
    /// <summary>A link request's code was entered wrongly too many times.</summary>
    public const string ResidentLinkLockedOut = "ResidentLinkLockedOut";
    public const string ResidentLinkApproved = "ResidentLinkApproved";
    public const string ResidentLinkRejected = "ResidentLinkRejected";
    public const string ResidentLinkWithdrawn = "ResidentLinkWithdrawn";
    /// <summary>The person (or their guardian) removed another account's link.</summary>
    public const string ResidentLinkRemoved = "ResidentLinkRemoved";
    /// <summary>An account removed its own link to a person.</summary>
    public const string ResidentDetached = "ResidentDetached";
    /// <summary>A vaccine's age band, sex, scarcity or bookability rules were edited.</summary>
    public const string CatalogueProductRules = "CatalogueProductRules";
    public const string CatalogueDoseRule = "CatalogueDoseRule";
    public const string CatalogueSchedule = "CatalogueSchedule";
    public const string CatalogueSeriesGroup = "CatalogueSeriesGroup";
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
