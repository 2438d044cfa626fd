namespace Portal.Core.Common;

/// <summary>China Standard Time is UTC+8 all year (no daylight saving), so a fixed offset is exact
/// and avoids depending on the host's time-zone database. Instants are stored in UTC; dates that
/// people see and statistics group by are China dates.</summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateTimeOffset ToChina(DateTimeOffset instant) => instant.ToOffset(Offset);

    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);

    public static DateOnly Today(TimeProvider clock) => DateOf(clock.GetUtcNow());

    /// <summary>The UTC instant of a China wall-clock date and time.</summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly time) =>
        new DateTimeOffset(date.ToDateTime(time), Offset).ToUniversalTime();

    /// <summary>The first instant after <paramref name="instant"/> at which China's wall clock shows <paramref name="time"/>:
    /// the one "next run at a China time" rule of every daily job (a fixed offset, so no day is 23 or 25 hours long).</summary>
    public static DateTimeOffset NextOccurrence(DateTimeOffset instant, TimeOnly time)
    {
        var today = At(DateOf(instant), time);
        return today > instant ? today : At(DateOf(instant).AddDays(1), time);
    }
}
