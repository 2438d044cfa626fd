using Microsoft.Extensions.Options;
using Portal.Core.Messaging;

namespace Portal.Messaging;

/// <summary>Runs <see cref="SmsDispatchService"/> for the life of the app: back-to-back rounds while the
/// outbox has due messages, a short pause when it is drained or the database is unavailable.</summary>
public sealed class SmsDispatcher(SmsDispatchService dispatch, IOptions<SmsOptions> options, TimeProvider clock, ILogger<SmsDispatcher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var result = await dispatch.DispatchDueAsync(settings.BatchSize, stoppingToken);
                if (result.Claimed > 0)
                    logger.LogInformation("SMS outbox: {Sent} sent, {Retrying} to retry, {Failed} failed", result.Sent, result.Retrying, result.Failed);
                if (result.Due >= settings.BatchSize)
                    continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "SMS dispatch round failed; retrying shortly");
            }

            try
            {
                await Task.Delay(settings.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
