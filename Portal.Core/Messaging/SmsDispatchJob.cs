using Microsoft.Extensions.Options;
using Portal.Core.Jobs;

namespace Portal.Core.Messaging;

/// <summary>Sends what the SMS outbox holds: a round every "Sms:PollInterval", back to back while rounds come back full.
/// Runs on every instance: the outbox's claim tokens already share the messages out.</summary>
public sealed class SmsDispatchJob(SmsDispatchService dispatch, IOptions<SmsOptions> options) : IRecurringJob
{
    public string Name => "sms.dispatch";

    public JobSchedule Schedule { get; } = JobSchedule.Every(options.Value.PollInterval);

    public bool OncePerOccurrence => false;

    public async Task<JobResult> RunAsync(DateTimeOffset occurrence, CancellationToken ct)
    {
        var batch = options.Value.BatchSize;
        var result = await dispatch.DispatchDueAsync(batch, ct);
        return new(result.Claimed > 0 ? $"{result.Sent} sent, {result.Retrying} to retry, {result.Failed} failed" : null, MoreWork: result.Due >= batch);
    }
}
