namespace Portal.Core.Injections.Queries;

public enum InjectionSort
{
    NewestFirst = 0,
    OldestFirst = 1,
}

/// <summary>What the injections list asks for. Dates are China dates (<see cref="Injection.InjectedOn"/>),
/// both ends inclusive; null means open. <see cref="Page"/> is 1-based.</summary>
public sealed record InjectionFilter
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    public const int MaxTextLength = 64;

    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    public string? DistrictCode { get; init; }
    public long? SiteId { get; init; }
    public long? ProgrammeId { get; init; }
    public long? ProductId { get; init; }
    public int? DoseNumber { get; init; }

    /// <summary>Part of the resident's name.</summary>
    public string? Text { get; init; }

    public InjectionSort Sort { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = DefaultPageSize;

    /// <summary>The same criteria with paging and sorting left at their defaults: what an export or a reload compares.</summary>
    public InjectionFilter CriteriaOnly() => this with { Page = 1, PageSize = DefaultPageSize, Sort = InjectionSort.NewestFirst };
}
