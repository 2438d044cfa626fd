using Portal.Core.Common;

namespace Portal.Core.Injections;

/// <summary>One dose given (接种记录). District, street and employer are copied from the resident and
/// site at the time of injection so statistics never need to join through history.</summary>
public class Injection : Entity
{
    public const int BodySiteLength = 32;
    public const int OverrideReasonLength = 256;

    public long ResidentId { get; set; }
    public long ProductId { get; set; }
    public long ProgrammeId { get; set; }
    public long LotId { get; set; }
    public int DoseNumber { get; set; }
    public long SiteId { get; set; }
    public string DoctorUserId { get; set; } = "";
    public long? DeviceId { get; set; }
    public DateTimeOffset InjectedAt { get; set; }
    /// <summary>Local (China Standard Time) date of the injection: the key of daily statistics.</summary>
    public DateOnly InjectedOn { get; set; }
    public long? AppointmentId { get; set; }
    public long? ConsentId { get; set; }
    public long? QuestionnaireResponseId { get; set; }
    public string BodySite { get; set; } = "";
    public string DistrictCode { get; set; } = "";
    public string StreetCode { get; set; } = "";
    public long? EmployerId { get; set; }
    /// <summary>Set when a doctor gave the dose despite an eligibility rule; audited.</summary>
    public string? EligibilityOverrideReason { get; set; }
}

public enum ObservationOutcome
{
    InProgress = 0,
    Normal = 1,
    Reaction = 2,
    LeftEarly = 3,
}

/// <summary>留观: the 30-minute observation after a dose.</summary>
public class Observation
{
    public long Id { get; set; }
    public long InjectionId { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public ObservationOutcome Outcome { get; set; }
    public string? Note { get; set; }
}
