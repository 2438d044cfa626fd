namespace Portal.Core.Injections.Queries;

/// <summary>Full personal data of the resident of one injection, returned only after the read was audited.</summary>
public sealed record RevealedPersonalData(long InjectionId, long ResidentId, string Name, string IdNumber, string? Phone, DateTimeOffset RevealedAt);
