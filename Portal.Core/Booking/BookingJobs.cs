using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Jobs;

namespace Portal.Core.Booking;

/// <summary>Every day just after midnight China time marks the previous days' unattended appointments NoShow and
/// applies the no-show policy. Safe to re-run.</summary>
public sealed class NoShowJob(AppointmentService appointments) : IRecurringJob
{
    /// <summary>China wall-clock time of the daily no-show run.</summary>
    public static readonly TimeOnly RunTime = new(0, 5);

    public string Name => "booking.no-shows";

    public JobSchedule Schedule { get; } = JobSchedule.DailyAt(RunTime);

    public async Task<JobResult> RunAsync(DateTimeOffset occurrence, CancellationToken ct)
    {
        var today = ChinaTime.DateOf(occurrence);
        var marked = await appointments.MarkNoShowsAsync(today, ct);
        return marked > 0 ? new($"marked {marked} appointments before {today:yyyy-MM-dd} as no-shows") : JobResult.Nothing;
    }
}

/// <summary>Every hour deletes the Idempotency-Key records past their 24 hours.</summary>
public sealed class IdempotencyPurgeJob(IDbContextFactory<DbContext> contexts, TimeProvider clock) : IRecurringJob
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public string Name => "booking.idempotency-purge";

    public JobSchedule Schedule { get; } = JobSchedule.Every(Interval);

    public async Task<JobResult> RunAsync(DateTimeOffset occurrence, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var purged = await PurgeExpiredAsync(db, clock.GetUtcNow(), ct);
        return purged > 0 ? new($"purged {purged} expired idempotency records") : JobResult.Nothing;
    }

    public static Task<int> PurgeExpiredAsync(DbContext db, DateTimeOffset now, CancellationToken ct = default) =>
        db.Set<IdempotencyRecord>().Where(r => r.ExpiresAt <= now).ExecuteDeleteAsync(ct);
}
