using Portal.Core.Sites;
using Portal.Core.Common;

namespace Portal.Core.Slots;

public sealed record SlotSiteOption(long Id, string Code, string Name);

public sealed record ProductOption(long Id, Bilingual Name);

public sealed record AdminSlotDto(long Id, long SiteId, long ProductId, Bilingual ProductName, DateOnly Date, TimeOnly StartTime, TimeOnly EndTime,
    int Capacity, int Booked, DateTimeOffset? ReleaseAt, bool IsClosed, int Version, long? TemplateId);

public sealed record NewSlotRequest(long SiteId, long ProductId, DateOnly Date, TimeOnly StartTime, TimeOnly EndTime, int Capacity, DateTimeOffset? ReleaseAt = null);

/// <param name="Id">Null to create a template, an id to update one.</param>
public sealed record SlotTemplateInput(long? Id, long SiteId, long ProductId, DayOfWeek Day, TimeOnly StartTime, TimeOnly EndTime, int Capacity,
    int? ReleaseDaysBefore = null, TimeOnly? ReleaseTime = null, bool IsActive = true);

public sealed record SlotTemplateDto(long Id, long SiteId, long ProductId, Bilingual ProductName, DayOfWeek Day, TimeOnly StartTime, TimeOnly EndTime,
    int Capacity, int? ReleaseDaysBefore, TimeOnly? ReleaseTime, bool IsActive);

public sealed record ClosureDto(long Id, long SiteId, DateOnly Date, string Reason);

/// <summary>Errors of slot administration, thrown from <see cref="SlotsErrors"/> (the codes live there only).</summary>
public static class SlotProblems
{
    public static DomainProblemException Changed() => SlotsErrors.SlotChanged.Exception();

    public static DomainProblemException SlotNotFound() => SlotsErrors.SlotNotFound.Exception();

    public static DomainProblemException SiteNotFound() => SitesErrors.SiteNotFound.Exception();

    public static DomainProblemException OutOfScope() => SlotsErrors.SiteOutOfScope.Exception();

    public static DomainValidationException BelowBooked(int booked) => new("capacity",
        new($"容量不能少于已预约人数（{booked}）", $"Capacity may not be less than the places already booked ({booked})"));
}
