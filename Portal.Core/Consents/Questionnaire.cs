using Portal.Core.Common;

namespace Portal.Core.Consents;

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
