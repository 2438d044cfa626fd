namespace Portal.Data;

public enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
    SqlServer,
}

/// <summary>Section "Database". Connection strings come from "ConnectionStrings:{Sqlite|PostgreSql|SqlServer}".</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply migrations at start-up. On by default for SQLite and PostgreSQL; for SQL Server
    /// production DBAs usually run the idempotent script instead (see README).</summary>
    public bool? MigrateOnStart { get; set; }
}
