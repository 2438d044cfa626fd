namespace Portal.Core.Injections;

/// <summary>Raised after an injection is committed (its daily counter row already incremented in the
/// same transaction). Live dashboards and other instances (through Redis) react to it.</summary>
public sealed record InjectionRecorded(
    long InjectionId,
    DateTimeOffset InjectedAt,
    DateOnly InjectedOn,
    long SiteId,
    string DistrictCode,
    string StreetCode,
    long? EmployerId,
    long ProgrammeId,
    long ProductId,
    int DoseNumber);

/// <summary>Where the injection service announces committed injections. The Portal implements it
/// with the in-process live notifier (and the Redis relay when scale-out is configured).</summary>
public interface IInjectionEventSink
{
    ValueTask PublishAsync(InjectionRecorded e, CancellationToken ct = default);
}
