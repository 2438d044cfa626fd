using Npgsql;

namespace Portal.Data;

public static class PostgresConnectionStrings
{
    /// <summary>Defaults for a busy API, each kept if the connection string sets it. Auto-prepare: the booking path
    /// runs the same few statements thousands of times a second, and a prepared statement skips the server's parse
    /// and plan. No reset on close: every request rents and returns a pooled connection, and the reset (DISCARD ALL)
    /// would run on each; the app never leaves session state behind (no SET, no temp tables, no advisory locks).</summary>
    public static string WithDefaults(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Has(connectionString, "Max Auto Prepare", "MaxAutoPrepare")) b.MaxAutoPrepare = 64;
        if (!Has(connectionString, "No Reset On Close", "NoResetOnClose")) b.NoResetOnClose = true;
        return b.ConnectionString;
    }

    private static bool Has(string connectionString, params string[] names) =>
        names.Any(n => connectionString.Contains(n, StringComparison.OrdinalIgnoreCase));
}
