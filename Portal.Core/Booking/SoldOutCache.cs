using System.Collections.Concurrent;

namespace Portal.Core.Booking;

/// <summary>Slots known to be full, kept in process memory so that a flash crowd on a full slot is answered
/// 409 "slot_full" without a database round trip. A slot is marked when the database refuses a booking
/// and cleared when a cancellation or reschedule frees a place; the short TTL is the safety net for places
/// freed elsewhere (another instance, an admin resize). It only ever answers "full" early: the database's
/// conditional UPDATE stays the one guard against overbooking.</summary>
public sealed class SoldOutCache(TimeProvider clock, TimeSpan ttl)
{
    private readonly ConcurrentDictionary<long, DateTimeOffset> _full = new();

    public TimeSpan Ttl { get; } = ttl;

    public bool IsKnownFull(long slotId)
    {
        if (!_full.TryGetValue(slotId, out var until)) return false;
        if (until > clock.GetUtcNow()) return true;
        _full.TryRemove(new KeyValuePair<long, DateTimeOffset>(slotId, until));
        return false;
    }

    public void MarkFull(long slotId)
    {
        if (Ttl > TimeSpan.Zero) _full[slotId] = clock.GetUtcNow() + Ttl;
    }

    public void Clear(long slotId) => _full.TryRemove(slotId, out _);
}
