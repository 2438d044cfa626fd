using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.Data;

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
/// queue rather than throw "database is locked" under concurrent bookings.</summary>
internal sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = Pragmas;
        cmd.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = Pragmas;
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
