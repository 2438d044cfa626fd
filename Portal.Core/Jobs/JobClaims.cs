using Microsoft.EntityFrameworkCore;

namespace Portal.Core.Jobs;

/// <summary>Lets one instance of the portal run each occurrence of a job, through the shared database (the one thing
/// every instance has; Redis is optional).</summary>
public sealed class JobClaims(IDbContextFactory<DbContext> contexts, TimeProvider clock)
{
    /// <summary>This process, as it appears in <see cref="JobRun.Instance"/>.</summary>
    public static readonly string ThisInstance = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>True for the one caller that claims <paramref name="occurrence"/> of <paramref name="job"/> first; false
    /// for everyone else, and for an occurrence at or before one already claimed.</summary>
    public async Task<bool> TryClaimAsync(string job, DateTimeOffset occurrence, CancellationToken ct = default)
    {
        var at = occurrence.ToUnixTimeMilliseconds();
        var now = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var moved = await db.Set<JobRun>().Where(r => r.Name == job && r.Occurrence < at)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Occurrence, at).SetProperty(r => r.Instance, ThisInstance).SetProperty(r => r.ClaimedAt, now), ct);
        if (moved == 1) return true;
        if (await db.Set<JobRun>().AnyAsync(r => r.Name == job, ct)) return false;

        // The job's first run anywhere: the primary key lets one of several first inserts through.
        db.Add(new JobRun { Name = job, Occurrence = at, Instance = ThisInstance, ClaimedAt = now });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
    }
}
