using Portal.Core.Common;

namespace Portal.Core.Jobs;

/// <summary>A piece of work the portal does on a timetable (generate slots, mark no-shows, queue reminders, pass on
/// waitlist places, send SMS). The job only does the work; <see cref="RecurringJobHost"/> keeps time, catches and logs
/// failures, and (unless <see cref="OncePerOccurrence"/> is false) lets one instance of the portal run each occurrence.
/// Jobs are resolved in a fresh scope for every run.</summary>
public interface IRecurringJob
{
    /// <summary>Stable name: the key of the job's row in <c>JobRuns</c> and of its log lines. Never rename a deployed job.</summary>
    string Name { get; }

    JobSchedule Schedule { get; }

    /// <summary>True (the default) when each occurrence must run on exactly one instance; false for work that
    /// coordinates itself (the SMS outbox claims its own rows) and should run wherever the portal runs.</summary>
    bool OncePerOccurrence => true;

    /// <param name="occurrence">The scheduled instant this run stands for (not the moment it started).</param>
    Task<JobResult> RunAsync(DateTimeOffset occurrence, CancellationToken ct);
}

/// <summary>What a run did, for the log (null: nothing worth a line); <see cref="MoreWork"/> asks for another run at
/// once rather than at the next occurrence (a batch that filled up).</summary>
public readonly record struct JobResult(string? Summary, bool MoreWork = false)
{
    public static JobResult Nothing => default;
}

/// <summary>When a job runs. Occurrences are instants every instance computes alike, so that the claim on one is
/// the same row everywhere.</summary>
public abstract record JobSchedule
{
    /// <summary>Every day at a China wall-clock time. At start-up today's occurrence runs if it has passed and no
    /// instance ran it (the portal may have been down then); a missed earlier day is not made up.</summary>
    public static JobSchedule DailyAt(TimeOnly chinaTime) => new Daily(chinaTime);

    /// <summary>Every <paramref name="interval"/>, on multiples of it counted from the Unix epoch; at start-up at once.</summary>
    public static JobSchedule Every(TimeSpan interval) =>
        interval > TimeSpan.Zero ? new Interval(interval) : throw new ArgumentOutOfRangeException(nameof(interval), "must be positive");

    /// <summary>The first occurrence strictly after <paramref name="instant"/>.</summary>
    public abstract DateTimeOffset NextAfter(DateTimeOffset instant);

    /// <summary>The occurrence to run at start-up, if any.</summary>
    public abstract DateTimeOffset? AtStartUp(DateTimeOffset now);

    private sealed record Daily(TimeOnly Time) : JobSchedule
    {
        public override DateTimeOffset NextAfter(DateTimeOffset instant) => ChinaTime.NextOccurrence(instant, Time);

        public override DateTimeOffset? AtStartUp(DateTimeOffset now)
        {
            var today = ChinaTime.At(ChinaTime.DateOf(now), Time);
            return today <= now ? today : null;
        }

        public override string ToString() => $"daily at {Time:HH\\:mm} China time";
    }

    private sealed record Interval(TimeSpan Length) : JobSchedule
    {
        public override DateTimeOffset NextAfter(DateTimeOffset instant) => Floor(instant) + Length;

        public override DateTimeOffset? AtStartUp(DateTimeOffset now) => Floor(now);

        private DateTimeOffset Floor(DateTimeOffset instant) =>
            DateTimeOffset.UnixEpoch.AddTicks((instant - DateTimeOffset.UnixEpoch).Ticks / Length.Ticks * Length.Ticks);

        public override string ToString() => $"every {Length}";
    }
}
