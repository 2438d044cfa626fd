using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Portal.Data;

/// <summary>
/// Queues SQLite writes in process memory, one writer per database file, for every context configured by
/// <see cref="SqliteOptions.UsePortalSqlite"/> (ADR 0013). SQLite has one writer per file: when many transactions
/// start together, the losers wait inside sqlite3_step (busy_timeout), which blocks a thread-pool thread each; 64 such
/// waits starve the pool and the whole server slows down (measured: the flash crowd sold 1,000 places at ~200
/// bookings/s with the CPU a third idle). Waiting here is asynchronous and first-come first-served, so writers of this
/// process never wait for each other inside SQLite. What is queued: every transaction (Microsoft.Data.Sqlite begins
/// them IMMEDIATE, so each takes the write lock at BEGIN anyway) and every statement run outside a transaction that is
/// not a SELECT (a lone SaveChanges, ExecuteUpdate/Delete, raw SQL). Reads outside a transaction pass straight through:
/// under WAL they never take the write lock. The queue is per process: other processes still wait through busy_timeout.
/// </summary>
internal static class SqliteWriteQueue
{
    // One gate per database file: SQLite's lock is per file, and a process may open several (the tests do).
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    // Who holds a gate: the connection (one context's, used by one caller at a time) while its write runs.
    private static readonly ConditionalWeakTable<DbConnection, Lease> Leases = new();

    public static bool Holds(DbConnection connection) => Leases.TryGetValue(connection, out _);

    /// <summary>Waits for the file's gate, at most as long as SQLite itself would have waited for the lock.</summary>
    public static async ValueTask EnterAsync(DbConnection connection, LeaseKind kind, TimeSpan timeout, CancellationToken ct)
    {
        var gate = GateOf(connection);
        if (!await gate.WaitAsync(timeout, ct)) throw Busy(timeout);
        Hold(connection, gate, kind);
    }

    public static void Enter(DbConnection connection, LeaseKind kind, TimeSpan timeout)
    {
        var gate = GateOf(connection);
        if (!gate.Wait(timeout)) throw Busy(timeout);
        Hold(connection, gate, kind);
    }

    /// <summary>Leaves the queue if the connection holds a lease of this kind that nothing has adopted (a failed
    /// statement inside a transaction must not release the transaction's place).</summary>
    public static void Leave(DbConnection connection, LeaseKind kind)
    {
        if (Leases.TryGetValue(connection, out var lease) && lease.Kind == kind && !lease.Adopted) Leave(connection, lease);
    }

    /// <summary>Releases this lease; the connection's entry is removed only if it is still this lease (a committed
    /// transaction disposed after the next one began must not release the next one's place).</summary>
    public static void Leave(DbConnection connection, Lease lease)
    {
        if (Leases.TryGetValue(connection, out var current) && ReferenceEquals(current, lease)) Leases.Remove(connection);
        lease.Release();
    }

    /// <summary>Hands the transaction's lease to the transaction (<see cref="QueuedSqliteTransaction"/>), which releases
    /// it when it ends; until then (BEGIN failed) the interceptor releases it.</summary>
    public static Lease? Adopt(DbConnection connection)
    {
        if (!Leases.TryGetValue(connection, out var lease) || lease.Kind != LeaseKind.Transaction) return null;
        lease.Adopted = true;
        return lease;
    }

    /// <summary>Microsoft.Data.Sqlite's own timeouts are in seconds, 0 meaning no limit.</summary>
    public static TimeSpan Timeout(int seconds) => seconds <= 0 ? System.Threading.Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds);

    private static SemaphoreSlim GateOf(DbConnection connection) =>
        Gates.GetOrAdd(connection.DataSource ?? "", static _ => new SemaphoreSlim(1, 1));

    private static void Hold(DbConnection connection, SemaphoreSlim gate, LeaseKind kind)
    {
        var lease = new Lease(gate, kind);
        if (!Leases.TryAdd(connection, lease))
        {
            // Cannot happen while one connection is used by one caller at a time; never keep a place nobody holds.
            lease.Release();
            throw new InvalidOperationException("This SQLite connection already holds the write queue.");
        }
    }

    // SQLITE_BUSY, the error a writer meets when busy_timeout runs out: callers that handle one handle the other.
    private static SqliteException Busy(TimeSpan waited) =>
        new($"database is locked (waited {waited.TotalSeconds:0} s in the write queue)", 5);

    public enum LeaseKind
    {
        Statement,
        Transaction,
    }

    public sealed class Lease(SemaphoreSlim gate, LeaseKind kind)
    {
        private int _released;

        public LeaseKind Kind { get; } = kind;

        public bool Adopted { get; set; }

        public void Release()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            gate.Release();
            GC.SuppressFinalize(this);
        }

        // A context dropped mid-write without being disposed must not close the file to this process for good.
        ~Lease() => Release();
    }
}

/// <summary>Puts every SQLite transaction and every write statement outside one in the <see cref="SqliteWriteQueue"/>.</summary>
internal sealed class SqliteWriteQueueInterceptor : DbCommandInterceptor, IDbTransactionInterceptor
{
    public static readonly SqliteWriteQueueInterceptor Instance = new();

    private SqliteWriteQueueInterceptor() { }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result)
    {
        SqliteWriteQueue.Enter(connection, SqliteWriteQueue.LeaseKind.Transaction, SqliteWriteQueue.Timeout(DefaultTimeout(connection)));
        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await SqliteWriteQueue.EnterAsync(connection, SqliteWriteQueue.LeaseKind.Transaction, SqliteWriteQueue.Timeout(DefaultTimeout(connection)), cancellationToken);
        return result;
    }

    // A failed BEGIN leaves no transaction to release the lease; a failed commit does (its dispose), so an adopted lease stays.
    public void TransactionFailed(DbConnection connection, TransactionErrorEventData eventData) =>
        SqliteWriteQueue.Leave(connection, SqliteWriteQueue.LeaseKind.Transaction);

    public Task TransactionFailedAsync(DbConnection connection, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SqliteWriteQueue.Leave(connection, SqliteWriteQueue.LeaseKind.Transaction);
        return Task.CompletedTask;
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        EnterIfWrite(command);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await EnterIfWriteAsync(command, cancellationToken);
        return result;
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        EnterIfWrite(command);
        return result;
    }

    public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await EnterIfWriteAsync(command, cancellationToken);
        return result;
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        EnterIfWrite(command);
        return result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await EnterIfWriteAsync(command, cancellationToken);
        return result;
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        LeaveStatement(command);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        LeaveStatement(command);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        LeaveStatement(command);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result,
        CancellationToken cancellationToken = default)
    {
        LeaveStatement(command);
        return ValueTask.FromResult(result);
    }

    // A reader's statement (INSERT ... RETURNING) holds the lock until the reader is done with.
    public override InterceptionResult DataReaderClosing(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        LeaveStatement(command);
        return result;
    }

    public override ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        LeaveStatement(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        LeaveStatement(command);
        return result;
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => LeaveStatement(command);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        LeaveStatement(command);
        return Task.CompletedTask;
    }

    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) => LeaveStatement(command);

    public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        LeaveStatement(command);
        return Task.CompletedTask;
    }

    private static void EnterIfWrite(DbCommand command)
    {
        if (NeedsQueue(command))
            SqliteWriteQueue.Enter(command.Connection!, SqliteWriteQueue.LeaseKind.Statement, SqliteWriteQueue.Timeout(command.CommandTimeout));
    }

    private static ValueTask EnterIfWriteAsync(DbCommand command, CancellationToken ct) =>
        NeedsQueue(command)
            ? SqliteWriteQueue.EnterAsync(command.Connection!, SqliteWriteQueue.LeaseKind.Statement, SqliteWriteQueue.Timeout(command.CommandTimeout), ct)
            : ValueTask.CompletedTask;

    private static void LeaveStatement(DbCommand command)
    {
        if (command.Connection is { } connection) SqliteWriteQueue.Leave(connection, SqliteWriteQueue.LeaseKind.Statement);
    }

    // Inside a transaction the transaction holds the queue; outside one only a write needs it.
    private static bool NeedsQueue(DbCommand command) =>
        command.Connection is { } connection && command.Transaction is null && !SqliteWriteQueue.Holds(connection) && !IsRead(command.CommandText);

    /// <summary>A SELECT, after any leading blanks and comments (EF's query tags are "-- " lines).</summary>
    internal static bool IsRead(string sql)
    {
        var span = sql.AsSpan();
        while (true)
        {
            span = span.TrimStart();
            if (span.StartsWith("--"))
            {
                var end = span.IndexOf('\n');
                if (end < 0) return false;
                span = span[(end + 1)..];
            }
            else if (span.StartsWith("/*"))
            {
                var end = span.IndexOf("*/");
                if (end < 0) return false;
                span = span[(end + 2)..];
            }
            else
            {
                return span.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    private static int DefaultTimeout(DbConnection connection) => connection is SqliteConnection sqlite ? sqlite.DefaultTimeout : 30;
}

/// <summary>EF's transactions on SQLite, made to leave the write queue when they end: on commit, on rollback, and on a
/// dispose without either (an exception thrown inside <c>await using var tx</c>), which no interceptor sees.</summary>
internal sealed class QueuedSqliteTransactionFactory(RelationalTransactionFactoryDependencies dependencies)
    : RelationalTransactionFactory(dependencies)
{
    public override RelationalTransaction Create(IRelationalConnection connection, DbTransaction transaction, Guid transactionId,
        Microsoft.EntityFrameworkCore.Diagnostics.IDiagnosticsLogger<Microsoft.EntityFrameworkCore.DbLoggerCategory.Database.Transaction> logger,
        bool transactionOwned)
    {
        var lease = transactionOwned ? SqliteWriteQueue.Adopt(connection.DbConnection) : null;
        return new QueuedSqliteTransaction(connection, transaction, transactionId, logger, transactionOwned, Dependencies.SqlGenerationHelper, lease);
    }
}

internal sealed class QueuedSqliteTransaction(IRelationalConnection connection, DbTransaction transaction, Guid transactionId,
    Microsoft.EntityFrameworkCore.Diagnostics.IDiagnosticsLogger<Microsoft.EntityFrameworkCore.DbLoggerCategory.Database.Transaction> logger,
    bool transactionOwned, ISqlGenerationHelper sqlGenerationHelper, SqliteWriteQueue.Lease? lease)
    : RelationalTransaction(connection, transaction, transactionId, logger, transactionOwned, sqlGenerationHelper)
{
    private readonly DbConnection _connection = connection.DbConnection;

    public override void Commit()
    {
        base.Commit();
        Leave();
    }

    public override async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        await base.CommitAsync(cancellationToken);
        Leave();
    }

    public override void Rollback()
    {
        base.Rollback();
        Leave();
    }

    public override async Task RollbackAsync(CancellationToken cancellationToken = default)
    {
        await base.RollbackAsync(cancellationToken);
        Leave();
    }

    public override void Dispose()
    {
        try
        {
            base.Dispose();
        }
        finally
        {
            Leave();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            Leave();
        }
    }

    private void Leave()
    {
        if (lease is not null) SqliteWriteQueue.Leave(_connection, lease);
    }
}
