using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace Portal.Core.Common;

/// <summary>
/// Queues SQLite write transactions in process memory. SQLite has one writer per file: when many bookings
/// start transactions together, the losers wait inside sqlite3_step (busy_timeout), which blocks a thread-pool
/// thread each; 64 such waits starve the pool and the whole server slows down (measured: the flash crowd sold
/// 1,000 places at ~200 bookings/s with the CPU a third idle). Waiting here is asynchronous and first-come
/// first-served, so gated transactions never wait for each other inside SQLite (an ungated writer, such as a
/// background job, still meets busy_timeout). Other servers (PostgreSQL, SQL Server) lock rows, not the database,
/// and pass straight through.
/// </summary>
public static class WriteGate
{
    private const string SqliteProvider = "Microsoft.EntityFrameworkCore.Sqlite";

    // One gate per database file: SQLite's lock is per file, and a process may open several (the tests do).
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    public static async ValueTask<IDisposable> EnterAsync(DbContext db, CancellationToken ct)
    {
        if (db.Database.ProviderName != SqliteProvider) return Open.Instance;
        var file = db.Database.GetDbConnection().DataSource ?? "";
        var gate = Gates.GetOrAdd(file, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }

    private sealed class Open : IDisposable
    {
        public static readonly Open Instance = new();
        public void Dispose() { }
    }
}
