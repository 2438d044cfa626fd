namespace Portal.Core.Injections.Queries;

/// <summary>A district the caller may filter by.</summary>
public sealed record DistrictOption(string Code, string Name);
