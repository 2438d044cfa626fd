using Microsoft.EntityFrameworkCore;
using Portal.Core.Booking;
using Portal.Core.Common;

namespace Portal.Booking;

/// <summary>Deletes expired Idempotency-Key records.</summary>
public static class IdempotencyRecords
{
    public static Task<int> PurgeExpiredAsync(DbContext db, DateTimeOffset now, CancellationToken ct = default) =>
        db.Set<IdempotencyRecord>().Where(r => r.ExpiresAt <= now).ExecuteDeleteAsync(ct);
}

/// <summary>Background housekeeping of booking: every day just after midnight China time marks yesterday's (and any
/// older) unattended appointments NoShow and applies the no-show policy; every hour purges expired Idempotency-Key
/// records. Both also run once at start-up (the app may have been down at midnight); both are safe to re-run,
/// also on several instances at once.</summary>
public sealed class BookingMaintenanceJob(IServiceScopeFactory scopes, IDbContextFactory<DbContext> contexts, TimeProvider clock,
    ILogger<BookingMaintenanceJob> logger) : BackgroundService
{
    /// <summary>China wall-clock time of the daily no-show run.</summary>
    public static readonly TimeOnly NoShowTime = new(0, 5);

    public static readonly TimeSpan PurgeInterval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RunNoShowsAsync(ChinaTime.Today(clock), stoppingToken);
        await PurgeAsync(stoppingToken);
        var nextNoShow = NextRun(clock.GetUtcNow(), NoShowTime);
        var nextPurge = clock.GetUtcNow() + PurgeInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            var due = nextNoShow < nextPurge ? nextNoShow : nextPurge;
            try
            {
                var wait = due - clock.GetUtcNow();
                if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var now = clock.GetUtcNow();
            if (now >= nextNoShow)
            {
                await RunNoShowsAsync(ChinaTime.DateOf(now), stoppingToken);
                nextNoShow = NextRun(now, NoShowTime);
            }
            if (now >= nextPurge)
            {
                await PurgeAsync(stoppingToken);
                nextPurge = now + PurgeInterval;
            }
        }
    }

    /// <summary>The first instant after <paramref name="now"/> that is <paramref name="at"/> China time.</summary>
    public static DateTimeOffset NextRun(DateTimeOffset now, TimeOnly at)
    {
        var today = ChinaTime.DateOf(now);
        var candidate = ChinaTime.At(today, at);
        return candidate > now ? candidate : ChinaTime.At(today.AddDays(1), at);
    }

    private async Task RunNoShowsAsync(DateOnly today, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var marked = await scope.ServiceProvider.GetRequiredService<AppointmentService>().MarkNoShowsAsync(today, ct);
            if (marked > 0) logger.LogInformation("Marked {Count} appointments before {Date} as no-shows", marked, today);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Marking no-shows before {Date} failed", today);
        }
    }

    private async Task PurgeAsync(CancellationToken ct)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var purged = await IdempotencyRecords.PurgeExpiredAsync(db, clock.GetUtcNow(), ct);
            if (purged > 0) logger.LogInformation("Purged {Count} expired idempotency records", purged);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "Purging idempotency records failed");
        }
    }
}
