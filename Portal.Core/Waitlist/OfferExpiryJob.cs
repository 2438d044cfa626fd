using Microsoft.Extensions.Options;
using Portal.Core.Jobs;

namespace Portal.Core.Waitlist;

/// <summary>Every "Waitlist:ProcessIntervalSeconds" (default 60) runs <see cref="OfferExpiryService.ProcessAsync"/>:
/// expired offers and cancelled or missed appointments pass their places on. The logic lives in the service (tested
/// directly); one instance runs each round.</summary>
public sealed class OfferExpiryJob(OfferExpiryService offers, IOptions<WaitlistOptions> options) : IRecurringJob
{
    public string Name => "waitlist.offers";

    public JobSchedule Schedule { get; } = JobSchedule.Every(TimeSpan.FromSeconds(options.Value.ProcessIntervalSeconds));

    public async Task<JobResult> RunAsync(DateTimeOffset occurrence, CancellationToken ct)
    {
        var r = await offers.ProcessAsync(ct);
        return r.Expired + r.PlacesReturned + r.OffersMade > 0
            ? new($"{r.Expired} offers expired, {r.PlacesReturned} places returned, {r.OffersMade} new offers")
            : JobResult.Nothing;
    }
}
