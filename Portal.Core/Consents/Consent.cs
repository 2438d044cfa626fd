using Portal.Core.Common;

namespace Portal.Core.Consents;

/// <summary>A versioned informed-consent text (知情同意书), per programme.</summary>
public class ConsentForm : Entity
{
    public string ProgrammeCode { get; set; } = "";
    public int Version { get; set; }
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    public bool IsActive { get; set; } = true;
}

/// <summary>A signed consent: the resident (or guardian for a child) agreed to a form's exact version.</summary>
public class Consent : Entity
{
    public long ResidentId { get; set; }
    public long FormId { get; set; }
    public int FormVersion { get; set; }
    public DateTimeOffset SignedAt { get; set; }
    /// <summary>Guardian's resident id when signed for a child.</summary>
    public long? SignedByResidentId { get; set; }
    /// <summary>Reference to the stored signature image or e-signature, if any.</summary>
    public string? SignatureRef { get; set; }
    public long? SiteId { get; set; }
}

public enum QuestionnaireKind
{
    /// <summary>预约接种问卷 / 健康状况询问.</summary>
    PreBooking = 1,
    Screening = 2,
    Satisfaction = 3,
    Survey = 4,
}

public class Questionnaire : Entity
{
    public QuestionnaireKind Kind { get; set; }
    public string? ProgrammeCode { get; set; }
    public int Version { get; set; }
    public string Title { get; set; } = "";
    /// <summary>Questions as JSON: [{ "id", "text", "textEn", "type", "options", "contraindicatedIf" }].</summary>
    public string QuestionsJson { get; set; } = "[]";
    public bool IsActive { get; set; } = true;
}

public class QuestionnaireResponse : Entity
{
    public long QuestionnaireId { get; set; }
    public long ResidentId { get; set; }
    public string AnswersJson { get; set; } = "{}";
    public DateTimeOffset SubmittedAt { get; set; }
    /// <summary>An answer matched a contraindication: a doctor must review before the dose.</summary>
    public bool FlagsContraindication { get; set; }
}
