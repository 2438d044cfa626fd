using System.Text.Json.Serialization;
using Portal.Core.Identity;

namespace Portal.Core.Dashboard;

/// <summary>Everything a big screen shows for one <see cref="DashboardScope"/>, computed at <see cref="GeneratedAt"/>
/// from the daily counters. Immutable: the live notifier hands the same instance to every screen and SignalR client
/// of that scope. A scope's snapshot holds nothing of what lies outside it (see docs/features/live-screens.md).</summary>
/// <param name="Today">The China date the "today" figures are for.</param>
/// <param name="CumulativeTotal">Every dose counted since records began.</param>
/// <param name="DailyTrend">The last 30 days, oldest first, one entry per day (zero days included).</param>
/// <param name="Districts">All districts in their official order (for charts); <see cref="DistrictFigure.Rank"/> gives the ranking.</param>
/// <param name="TopStreets">Streets with the highest cumulative doses per 10,000 residents.</param>
/// <param name="TopEmployers">Employers with the highest doses per 100 staff.</param>
/// <param name="Targets">Targets whose window contains today, city-wide targets first.</param>
/// <param name="Scope">Whose figures these are (null only from clients of an older server).</param>
public sealed record DashboardSnapshot(
    DateTimeOffset GeneratedAt,
    DateOnly Today,
    long TodayTotal,
    long Last7DaysTotal,
    long Last30DaysTotal,
    long CumulativeTotal,
    IReadOnlyList<DailyCount> DailyTrend,
    IReadOnlyList<DistrictFigure> Districts,
    IReadOnlyList<StreetFigure> TopStreets,
    IReadOnlyList<EmployerFigure> TopEmployers,
    IReadOnlyList<DoseNumberCount> ByDoseNumber,
    IReadOnlyList<BrandCount> ByBrand,
    IReadOnlyList<ProgrammeCount> ByProgramme,
    IReadOnlyList<TargetProgress> Targets,
    DashboardScopeLabel? Scope = null)
{
    /// <summary>Districts from the highest rate to the lowest (the ranking table).</summary>
    [JsonIgnore]
    public IEnumerable<DistrictFigure> Ranking => Districts.OrderBy(d => d.Rank);

    /// <summary>An empty snapshot for a date: what a screen shows before any dose is counted.</summary>
    public static DashboardSnapshot Empty(DateTimeOffset generatedAt, DateOnly today) =>
        new(generatedAt, today, 0, 0, 0, 0, [], [], [], [], [], [], [], []);
}

/// <summary>The scope a snapshot is for, named for the screen's title.</summary>
/// <param name="Key">The <see cref="DashboardScope.Key"/>, e.g. "district:310104".</param>
/// <param name="Name">The district's, site's or employer's name; empty for the city.</param>
public sealed record DashboardScopeLabel(
    [property: JsonConverter(typeof(JsonStringEnumConverter<DataScopeKind>))] DataScopeKind Kind,
    string Key,
    string Name);

public sealed record DailyCount(DateOnly Date, long Count);

/// <param name="RatePer10K">Cumulative doses per 10,000 residents (0 when the population is unknown).</param>
/// <param name="Rank">1 for the highest rate; ties share no rank (ordered by code).</param>
public sealed record DistrictFigure(
    string Code,
    string Name,
    int Population,
    long Today,
    long Cumulative,
    double RatePer10K,
    int Rank);

public sealed record StreetFigure(
    string Code,
    string Name,
    string DistrictCode,
    string DistrictName,
    int Population,
    long Today,
    long Cumulative,
    double RatePer10K);

/// <param name="DosesPer100Staff">Doses per 100 people on the head count: above 100 for multi-dose series.</param>
public sealed record EmployerFigure(
    long Id,
    string Name,
    int HeadCount,
    long Today,
    long Doses,
    double DosesPer100Staff);

public sealed record DoseNumberCount(int DoseNumber, long Today, long Cumulative);

/// <summary>Doses of all products sold under one brand.</summary>
public sealed record BrandCount(string Brand, string BrandEn, long Today, long Cumulative);

public sealed record ProgrammeCount(long Id, string Code, string Name, string NameEn, long Today, long Cumulative);

/// <param name="DistrictCode">Null for a city-wide target.</param>
/// <param name="Given">Doses of the programme given in [StartsOn, EndsOn] in the district (or city).</param>
/// <param name="Percent">Given / TargetDoses × 100, not capped (a target can be exceeded).</param>
public sealed record TargetProgress(
    long Id,
    string ProgrammeCode,
    string ProgrammeName,
    string ProgrammeNameEn,
    string? DistrictCode,
    string DistrictName,
    DateOnly StartsOn,
    DateOnly EndsOn,
    int TargetDoses,
    long Given,
    double Percent);
