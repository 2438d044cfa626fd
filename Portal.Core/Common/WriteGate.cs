using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

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

    /// <summary>Begins a write transaction, queued behind this process's other SQLite writers; the queue is left
    /// when the transaction is disposed.</summary>
    public static async Task<IDbContextTransaction> BeginTransactionAsync(DbContext db, CancellationToken ct)
    {
        var gate = await EnterAsync(db, ct);
        try
        {
            return new GatedTransaction(await db.Database.BeginTransactionAsync(ct), gate);
        }
        catch
        {
            gate.Dispose();
            throw;
        }
    }

    public static async ValueTask<IDisposable> EnterAsync(DbContext db, CancellationToken ct)
    {
        if (db.Database.ProviderName != SqliteProvider) return Open.Instance;
        var file = db.Database.GetDbConnection().DataSource ?? "";
        var gate = Gates.GetOrAdd(file, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        return new Release(gate);
    }

    private sealed class GatedTransaction(IDbContextTransaction inner, IDisposable gate) : IDbContextTransaction
    {
        public Guid TransactionId => inner.TransactionId;
        public void Commit() => inner.Commit();
        public Task CommitAsync(CancellationToken cancellationToken = default) => inner.CommitAsync(cancellationToken);
        public void Rollback() => inner.Rollback();
        public Task RollbackAsync(CancellationToken cancellationToken = default) => inner.RollbackAsync(cancellationToken);

        public void Dispose()
        {
            inner.Dispose();
            gate.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            gate.Dispose();
        }
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
