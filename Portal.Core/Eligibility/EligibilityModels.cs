using Portal.Core.Common;
using Portal.Core.Residents;

namespace Portal.Core.Eligibility;

/// <summary>Stable machine-readable codes of eligibility reasons (clients switch on these, never on the text).</summary>
public static class EligibilityCodes
{
    public const string Sex = "sex";
    public const string TooYoung = "too_young";
    public const string TooOld = "too_old";
    public const string NoScheduleForAge = "no_schedule_for_age";
    public const string SeriesComplete = "series_complete";
    public const string WrongProduct = "wrong_product_for_series";
    public const string DoseAlreadyGiven = "dose_already_given";
    public const string PreviousDoseMissing = "previous_dose_missing";
    public const string TooEarly = "too_early";
    /// <summary>Not blocking: the dose is late but may still be given.</summary>
    public const string PastMaxInterval = "past_max_interval";
    public const string ProductInactive = "product_inactive";

    /// <summary>What a doctor's override may not set aside: a dose that is already in the record, one past the end of
    /// the series, one before an earlier dose, or a product that is no longer offered. An override is a clinical
    /// judgement on age, sex and intervals, not a way to write an impossible history.</summary>
    public static readonly IReadOnlySet<string> NotOverridable =
        new HashSet<string>(StringComparer.Ordinal) { DoseAlreadyGiven, SeriesComplete, PreviousDoseMissing, ProductInactive };
}

/// <summary>What the engine needs to know about a person.</summary>
public sealed record PersonFacts(DateOnly BirthDate, Sex Sex);

/// <summary>One dose already given in the product's series group (dose numbers are series dose numbers).</summary>
public sealed record DoseRecord(long ProductId, int DoseNumber, DateOnly Date);

/// <summary>One reason. <see cref="Blocking"/> false marks a warning (e.g. past the maximum interval):
/// the dose is allowed but flagged. <see cref="Date"/> is the earliest allowed date (too young, too early)
/// or the last recommended date (past max interval).</summary>
public sealed record EligibilityReason(string Code, Bilingual Message, bool Blocking, DateOnly? Date = null);

/// <summary>The answer to "may dose N of this product be given on this date?".</summary>
/// <param name="DoseNumber">The dose asked about (the lowest not yet given when none was named).</param>
/// <param name="SeriesLength">Doses in the person's series (chosen by the age at the first dose); null when unknown.</param>
/// <param name="EarliestDate">The first date age and interval rules allow this dose (may be before the date asked about);
/// null when something other than a date blocks it (sex, series complete, wrong product).</param>
/// <param name="DueBy">The last date within the maximum interval, when the rule has one.</param>
public sealed record EligibilityResult(long ProductId, DateOnly On, int DoseNumber, int? SeriesLength, bool IsBooster,
    DateOnly? EarliestDate, DateOnly? DueBy, IReadOnlyList<EligibilityReason> Reasons)
{
    public bool IsEligible => Reasons.All(r => !r.Blocking);

    public IEnumerable<EligibilityReason> BlockingReasons => Reasons.Where(r => r.Blocking);

    public bool Has(string code) => Reasons.Any(r => r.Code == code);
}

/// <summary>A programme's next dose for a person: the lowest dose not yet given, when it is due and whether overdue.</summary>
public sealed record NextDose(long ProductId, int? DoseNumber, DateOnly? DueDate, bool IsOverdue, bool IsBooster, bool IsComplete,
    IReadOnlyList<EligibilityReason> Reasons);

public enum ChildScheduleStatus
{
    Given = 1,
    /// <summary>Not given; the due date is today or later.</summary>
    Due = 2,
    /// <summary>Not given; the due date has passed.</summary>
    Overdue = 3,
}

/// <summary>A dose of the children's programme already given (programme code + series dose number).</summary>
public sealed record GivenProgrammeDose(string ProgrammeCode, int DoseNumber, DateOnly Date);

public sealed record ChildScheduleItem(int AgeMonths, string ProgrammeCode, int DoseNumber, Bilingual Label, bool IsLocalAddition,
    DateOnly DueDate, ChildScheduleStatus Status, DateOnly? GivenOn);
