using Portal.Core.Common;
using Portal.Core.Slots;

namespace Portal.Slots;

/// <summary>Generates slots from templates at start-up (the app may have been down) and then every day at
/// <see cref="RunTime"/> China time. The work is <see cref="SlotGenerator"/>, which tests call directly.</summary>
public sealed class SlotGenerationJob(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SlotGenerationJob> logger) : BackgroundService
{
    /// <summary>Just after midnight, so that the new last day is there when residents wake up.</summary>
    public static readonly TimeOnly RunTime = new(0, 15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await RunOnceAsync(stoppingToken);
            try
            {
                var wait = NextRun(clock.GetUtcNow()) - clock.GetUtcNow();
                if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The first instant after <paramref name="now"/> that is <see cref="RunTime"/> China time.</summary>
    public static DateTimeOffset NextRun(DateTimeOffset now)
    {
        var candidate = ChinaTime.At(ChinaTime.DateOf(now), RunTime);
        return candidate > now ? candidate : ChinaTime.At(ChinaTime.DateOf(now).AddDays(1), RunTime);
    }

    private async Task RunOnceAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var created = await scope.ServiceProvider.GetRequiredService<SlotGenerator>().GenerateAsync(ct: ct);
            if (created > 0) logger.LogInformation("Generated {Count} slots from templates", created);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Slot generation failed");
        }
    }
}
