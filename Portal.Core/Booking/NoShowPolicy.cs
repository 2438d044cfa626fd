namespace Portal.Core.Booking;

/// <summary>The "Booking:NoShow" configuration section.</summary>
public sealed class NoShowPolicyOptions
{
    public const string SectionName = "Booking:NoShow";

    /// <summary>No-shows within 365 days that block scarce-vaccine booking.</summary>
    public int MaxPerYear { get; set; } = 2;

    /// <summary>Days the block lasts, counted from the day the last no-show is marked.</summary>
    public int BlockDays { get; set; } = 90;
}

/// <summary>Two no-shows in a year (by default) block booking scarce vaccines for a period, so that
/// places nobody uses stop going to people who do not come.</summary>
public static class NoShowPolicy
{
    /// <summary>The window in which no-shows count.</summary>
    public const int WindowDays = 365;

    /// <summary>The new block end for a person with <paramref name="noShowsInWindow"/> no-shows, or null when the policy does not apply.
    /// An existing later block is never shortened.</summary>
    public static DateOnly? BlockedUntil(int noShowsInWindow, DateOnly today, DateOnly? current, NoShowPolicyOptions options)
    {
        if (options.MaxPerYear <= 0 || noShowsInWindow < options.MaxPerYear) return null;
        var until = today.AddDays(options.BlockDays);
        return current is { } c && c >= until ? null : until;
    }

    /// <summary>What BookingService must check before booking a scarce product for <paramref name="date"/>.</summary>
    public static bool IsScarceBookingBlocked(DateOnly? blockedUntil, DateOnly date) => blockedUntil is { } b && b >= date;
}
