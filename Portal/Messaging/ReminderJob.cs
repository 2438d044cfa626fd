using Microsoft.Extensions.Options;
using Portal.Core.Common;
using Portal.Core.Messaging;

namespace Portal.Messaging;

/// <summary>Every day at "Sms:ReminderTime" (China time) queues reminders for tomorrow's appointments.
/// At start-up, if today's time has already passed, it runs once at once (the app may have been down
/// at that time); the outbox's dedup key makes any re-run harmless, also across several instances.</summary>
public sealed class ReminderJob(AppointmentReminderService reminders, IOptions<SmsOptions> options, TimeProvider clock, ILogger<ReminderJob> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var at = options.Value.ReminderTime;
        var now = clock.GetUtcNow();
        if (ChinaTime.ToChina(now).TimeOfDay >= at.ToTimeSpan())
            await RunAsync(ChinaTime.Today(clock), stoppingToken);

        while (!stoppingToken.IsCancellationRequested)
        {
            var next = NextRun(clock.GetUtcNow(), at);
            try
            {
                await Task.Delay(next - clock.GetUtcNow() is { Ticks: > 0 } wait ? wait : TimeSpan.Zero, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await RunAsync(ChinaTime.DateOf(next), stoppingToken);
        }
    }

    /// <summary>The first instant after <paramref name="now"/> that is <paramref name="at"/> China time.</summary>
    public static DateTimeOffset NextRun(DateTimeOffset now, TimeOnly at)
    {
        var today = ChinaTime.DateOf(now);
        var candidate = ChinaTime.At(today, at);
        return candidate > now ? candidate : ChinaTime.At(today.AddDays(1), at);
    }

    private async Task RunAsync(DateOnly today, CancellationToken ct)
    {
        var tomorrow = today.AddDays(1);
        try
        {
            var queued = await reminders.EnqueueRemindersAsync(tomorrow, ct);
            logger.LogInformation("Queued {Count} appointment reminders for {Date}", queued, tomorrow);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The next start-up or the next day's run does not cover a missed day, so say it loudly.
            logger.LogError(e, "Queuing appointment reminders for {Date} failed", tomorrow);
        }
    }
}
