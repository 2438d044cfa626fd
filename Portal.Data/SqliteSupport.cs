using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Portal.Data;

public static class SqliteOptions
{
    /// <summary>The portal's SQLite: the connection defaults, the pragmas, and the in-process write queue that every
    /// write transaction joins without asking (<see cref="SqliteWriteQueue"/>, ADR 0013). Tests configure their
    /// databases through this too, so they see the app's behaviour.</summary>
    public static DbContextOptionsBuilder UsePortalSqlite(this DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseSqlite(SqliteConnectionStrings.WithDefaults(connectionString), o => o.CommandTimeout(60))
            .AddInterceptors(new SqlitePragmaInterceptor(), SqliteWriteQueueInterceptor.Instance)
            .ReplaceService<IRelationalTransactionFactory, QueuedSqliteTransactionFactory>();

    /// <inheritdoc cref="UsePortalSqlite(DbContextOptionsBuilder, string)"/>
    public static DbContextOptionsBuilder<TContext> UsePortalSqlite<TContext>(this DbContextOptionsBuilder<TContext> builder, string connectionString)
        where TContext : DbContext =>
        (DbContextOptionsBuilder<TContext>)UsePortalSqlite((DbContextOptionsBuilder)builder, connectionString);
}

public static class SqliteConnectionStrings
{
    /// <summary>A writer waits for the lock instead of failing at once when bookings arrive together.</summary>
    public static string WithDefaults(string connectionString)
    {
        var b = new SqliteConnectionStringBuilder(connectionString);
        if (b.DefaultTimeout < 30) b.DefaultTimeout = 30;
        b.Pooling = true;
        return b.ToString();
    }
}

/// <summary>WAL lets readers (dashboards) run while a booking writes; busy_timeout makes writers
/// queue rather than throw "database is locked" when another process (or an ungated writer) holds the lock.
/// The pragmas are per physical connection, and the pool keeps physical connections open, so they run once
/// per handle rather than on every EF open (measured: running them on every open cost more than the booking's
/// own statements). journal_mode=WAL is stored in the file itself.</summary>
internal sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";

    // Keyed on the native handle, which lives as long as the pooled physical connection.
    private readonly ConditionalWeakTable<object, object> _prepared = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (!FirstOpen(connection)) return;
        using var cmd = connection.CreateCommand();
        cmd.CommandText = Pragmas;
        cmd.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!FirstOpen(connection)) return;
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = Pragmas;
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    private bool FirstOpen(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || _prepared.TryAdd(handle, handle);
}
