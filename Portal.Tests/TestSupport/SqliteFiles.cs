using System.Text.RegularExpressions;

namespace Portal.Tests.TestSupport;

/// <summary>
/// Fresh SQLite database files under this run's temp folder. A real file, not an in-memory or
/// shared-cache database: concurrency tests need SQLite's own file locking, as in production.
/// </summary>
public static partial class SqliteFiles
{
    /// <summary>A path that does not exist yet: Path.GetTempPath()/blazorvax-tests/&lt;run-id&gt;/&lt;prefix&gt;-&lt;guid&gt;.db.</summary>
    public static string NewDatabaseFile(string prefix)
    {
        var safePrefix = NotFileNameCharacters().Replace(prefix, "-").Trim('-');
        return Path.Combine(TestEnvironment.RunDirectory, $"{(safePrefix.Length == 0 ? "test" : safePrefix)}-{Guid.NewGuid():N}.db");
    }

    /// <summary>Pooled connections that wait up to 30 s on a locked file instead of failing with SQLITE_BUSY.</summary>
    public static string ConnectionStringFor(string path) => $"Data Source={path};Default Timeout=30;Pooling=True";

    [GeneratedRegex("[^A-Za-z0-9_.-]+")]
    private static partial Regex NotFileNameCharacters();
}
