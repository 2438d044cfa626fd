using Microsoft.Extensions.Options;
using Portal.Core.Waitlist;

namespace Portal.Waitlist;

/// <summary>Every "Waitlist:ProcessIntervalSeconds" (default 60) runs <see cref="OfferExpiryService.ProcessAsync"/>:
/// expired offers and cancelled or missed appointments pass their places on. The logic lives in the service
/// (tested directly); this loop only keeps time and logs.</summary>
public sealed class OfferExpiryJob(IServiceScopeFactory scopes, IOptions<WaitlistOptions> options, TimeProvider clock, ILogger<OfferExpiryJob> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.ProcessIntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var result = await scope.ServiceProvider.GetRequiredService<OfferExpiryService>().ProcessAsync(stoppingToken);
                if (result.Expired + result.PlacesReturned + result.OffersMade > 0)
                    logger.LogInformation("Waitlist: {Expired} offers expired, {Returned} places returned, {Offers} new offers",
                        result.Expired, result.PlacesReturned, result.OffersMade);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Processing waitlist offers failed");
            }
            try
            {
                await Task.Delay(interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
