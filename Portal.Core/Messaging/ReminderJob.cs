using Microsoft.Extensions.Options;
using Portal.Core.Common;
using Portal.Core.Jobs;

namespace Portal.Core.Messaging;

/// <summary>Every day at "Sms:ReminderTime" (China time) queues reminders for the next day's appointments. The outbox's
/// dedup key makes a re-run harmless; a missed day is not made up (the reminder would come too late to help).</summary>
public sealed class ReminderJob(AppointmentReminderService reminders, IOptions<SmsOptions> options) : IRecurringJob
{
    public string Name => "sms.reminders";

    public JobSchedule Schedule { get; } = JobSchedule.DailyAt(options.Value.ReminderTime);

    public async Task<JobResult> RunAsync(DateTimeOffset occurrence, CancellationToken ct)
    {
        var tomorrow = ChinaTime.DateOf(occurrence).AddDays(1);
        var queued = await reminders.EnqueueRemindersAsync(tomorrow, ct);
        return new($"queued {queued} appointment reminders for {tomorrow:yyyy-MM-dd}");
    }
}
