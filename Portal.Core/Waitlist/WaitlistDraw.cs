using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Core.Waitlist;

/// <summary>The allocation order of a campaign as a pure function, so that anyone holding the seed and the
/// candidate entry ids can re-run it (docs/features/waitlist.md spells the algorithm out).
/// System.Random is deliberately not used: its algorithm is not specified and has changed between .NET versions.</summary>
public static class WaitlistDraw
{
    /// <summary>Lottery: a Fisher–Yates shuffle of <paramref name="candidateIds"/> sorted ascending, driven by the
    /// byte stream SHA-256(seed as 8 bytes big-endian ‖ counter as 8 bytes big-endian), counter = 0, 1, 2, ...;
    /// each draw takes the next 8 bytes as an unsigned big-endian integer and rejects values at or above the
    /// largest multiple of the range, so every position is exactly equally likely.</summary>
    public static IReadOnlyList<long> Lottery(long seed, IEnumerable<long> candidateIds)
    {
        var ids = candidateIds.Distinct().Order().ToArray();
        var stream = new Sha256CounterStream(seed);
        for (var i = ids.Length - 1; i > 0; i--)
        {
            var j = (int)stream.NextBelow((ulong)i + 1);
            (ids[i], ids[j]) = (ids[j], ids[i]);
        }
        return ids;
    }

    /// <summary>First come, first served: registration time, then entry id for equal times.</summary>
    public static IReadOnlyList<long> FirstComeFirstServed(IEnumerable<(long Id, DateTimeOffset RegisteredAt)> candidates) =>
        candidates.DistinctBy(c => c.Id).OrderBy(c => c.RegisteredAt.UtcTicks).ThenBy(c => c.Id).Select(c => c.Id).ToList();

    /// <summary>Lower-case hex SHA-256 of the drawn ids written in decimal and joined by "," (UTF-8, no spaces).</summary>
    public static string Hash(IEnumerable<long> drawnIds)
    {
        var text = string.Join(',', drawnIds.Select(id => id.ToString(CultureInfo.InvariantCulture)));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>A new seed from the operating system's cryptographic generator (non-negative, to read easily).</summary>
    public static long NewSeed() => BinaryPrimitives.ReadInt64BigEndian(RandomNumberGenerator.GetBytes(8)) & long.MaxValue;

    private sealed class Sha256CounterStream(long seed)
    {
        private readonly byte[] _input = new byte[16];
        private readonly byte[] _block = new byte[32];
        private ulong _counter;
        private int _offset = 32;

        public ulong NextBelow(ulong range)
        {
            // Accept only values below the largest multiple of range within 2^64 (that is, v < 2^64 - 2^64 mod range):
            // the rest would make small results more likely.
            var remainder = (ulong.MaxValue % range + 1) % range;
            while (true)
            {
                var value = NextUInt64();
                if (remainder == 0 || value <= ulong.MaxValue - remainder) return value % range;
            }
        }

        private ulong NextUInt64()
        {
            if (_offset == _block.Length)
            {
                BinaryPrimitives.WriteInt64BigEndian(_input.AsSpan(0, 8), seed);
                BinaryPrimitives.WriteUInt64BigEndian(_input.AsSpan(8, 8), _counter++);
                SHA256.HashData(_input, _block);
                _offset = 0;
            }
            var value = BinaryPrimitives.ReadUInt64BigEndian(_block.AsSpan(_offset, 8));
            _offset += 8;
            return value;
        }
    }
}
