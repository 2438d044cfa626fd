using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Npgsql;

namespace Portal.Tests.TestSupport;

/// <summary>
/// One throwaway PostgreSQL server for the whole test process, started on first use and stopped once
/// the test process has gone; every test gets a database of its own from <see cref="CreateDatabaseAsync"/>.
/// Set BLAZORVAX_TEST_POSTGRES to a connection string to use an existing server instead.
/// </summary>
public static partial class PostgresServer
{
    public const string ConnectionStringVariable = "BLAZORVAX_TEST_POSTGRES";
    private const string BinariesRoot = "/usr/lib/postgresql";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private static readonly Lazy<Task<NpgsqlConnectionStringBuilder>> Server =
        new(() => Task.Run(StartAsync), LazyThreadSafetyMode.ExecutionAndPublication);

    // Only tracked for an external server: a throwaway server's databases go with its folder.
    private static readonly ConcurrentBag<string> ExternalDatabases = [];

    public static bool IsAvailable(out string reason)
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ConnectionStringVariable)))
        {
            reason = string.Empty;
            return true;
        }

        if (FindBinDirectory() is null)
        {
            reason = $"PostgreSQL binaries (initdb, pg_ctl) not found under {BinariesRoot}/*/bin "
                + $"(Debian package postgresql-15) and {ConnectionStringVariable} not set";
            return false;
        }

        if (Environment.IsPrivilegedProcess && !PostgresUserExists())
        {
            reason = "running as root, but there is no 'postgres' user to run initdb as "
                + $"(install postgresql-15, or set {ConnectionStringVariable})";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    /// <summary>Creates a uniquely named database, empty or a copy of <paramref name="template"/> (a database no session
    /// is connected to), and returns a connection string to it.</summary>
    public static async Task<string> CreateDatabaseAsync(string? namePrefix = null, string? template = null)
    {
        var server = await Server.Value;
        // At most 30 + 1 + 32 characters: PostgreSQL cuts identifiers at 63.
        var name = $"{Sanitize(namePrefix)}_{Guid.NewGuid():N}";

        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand(
                template is null ? $"CREATE DATABASE \"{name}\"" : $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        if (IsExternal)
        {
            ExternalDatabases.Add(name);
        }

        var database = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name };
        return database.ConnectionString;
    }

    private static bool IsExternal =>
        !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ConnectionStringVariable));

    private static async Task<NpgsqlConnectionStringBuilder> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            var builder = new NpgsqlConnectionStringBuilder(external) { Database = "postgres", IncludeErrorDetail = true };
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DropExternalDatabases(builder.ConnectionString);
            await WaitUntilAcceptingAsync(builder.ConnectionString, "(external server)");
            return builder;
        }

        var bin = FindBinDirectory()
            ?? throw new InvalidOperationException($"PostgreSQL binaries not found under {BinariesRoot}/*/bin");
        var runAsPostgres = Environment.IsPrivilegedProcess;
        var root = Directory.CreateTempSubdirectory("blazorvax-pg-").FullName;
        var data = Path.Combine(root, "data");
        var log = Path.Combine(root, "postgres.log");

        Task<string> Run(string program, params string[] arguments)
        {
            var path = Path.Combine(bin, program);
            return runAsPostgres
                ? ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments], root, CommandTimeout)
                : ProcessRunner.RunAsync(path, arguments, root, CommandTimeout);
        }

        if (runAsPostgres)
        {
            // initdb refuses to run as root; the Debian package's postgres user owns the cluster instead.
            await ProcessRunner.RunAsync("chown", ["-R", "postgres:postgres", root], root, CommandTimeout);
        }

        await Run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync");

        var pgCtl = Path.Combine(bin, "pg_ctl");
        var stop = """ "$1" -D "$2" -m immediate -w -t 10 stop; rm -rf "$3" """;
        TestEnvironment.AfterExit(runAsPostgres ? "runuser -u postgres --" + stop : stop, pgCtl, data, root);

        // A port chosen free can be taken by another process before the server binds it: try a few.
        for (var attempt = 1; ; attempt++)
        {
            var port = ProcessRunner.FreeTcpPort();
            var options = $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
                + "-c max_connections=300 -c full_page_writes=off -c synchronous_commit=off";
            try
            {
                await Run("pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "-o", options, "start");
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                continue;
            }
            catch (InvalidOperationException ex)
            {
                throw new InvalidOperationException($"{ex.Message}{Environment.NewLine}{ReadLog(log)}", ex);
            }

            var builder = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = port,
                Username = "postgres",
                Database = "postgres",
                Pooling = true,
                MaxPoolSize = 100,
                // Idle connections go back quickly: many per-test databases share max_connections=300.
                ConnectionIdleLifetime = 10,
                ConnectionPruningInterval = 5,
                IncludeErrorDetail = true,
            };
            await WaitUntilAcceptingAsync(builder.ConnectionString, log);
            return builder;
        }
    }

    private static async Task WaitUntilAcceptingAsync(string connectionString, string log)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
            catch (NpgsqlException ex)
            {
                throw new InvalidOperationException($"PostgreSQL does not accept connections.{Environment.NewLine}{ReadLog(log)}", ex);
            }
        }
    }

    /// <summary>Best effort, and only what fits in the moment vstest gives a finishing test host.</summary>
    private static void DropExternalDatabases(string adminConnectionString)
    {
        if (ExternalDatabases.IsEmpty)
        {
            return;
        }

        try
        {
            NpgsqlConnection.ClearAllPools();
            using var connection = new NpgsqlConnection(adminConnectionString);
            connection.Open();
            foreach (var name in ExternalDatabases)
            {
                using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                drop.ExecuteNonQuery();
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            Console.Error.WriteLine($"[test cleanup] {ex.Message}");
        }
    }

    /// <summary>The bin folder of the newest PostgreSQL under /usr/lib/postgresql that has initdb and pg_ctl.</summary>
    private static string? FindBinDirectory()
    {
        if (!Directory.Exists(BinariesRoot))
        {
            return null;
        }

        return Directory.GetDirectories(BinariesRoot)
            .Select(dir => (Version: decimal.TryParse(Path.GetFileName(dir), out var v) ? v : -1m, Bin: Path.Combine(dir, "bin")))
            .Where(x => File.Exists(Path.Combine(x.Bin, "initdb")) && File.Exists(Path.Combine(x.Bin, "pg_ctl")))
            .OrderByDescending(x => x.Version)
            .Select(x => x.Bin)
            .FirstOrDefault();
    }

    private static bool PostgresUserExists() =>
        File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(line => line.StartsWith("postgres:", StringComparison.Ordinal));

    private static string Sanitize(string? prefix)
    {
        var cleaned = NotIdentifierCharacters().Replace((prefix ?? "test").ToLowerInvariant(), "_").Trim('_');
        cleaned = cleaned.Length == 0 ? "test" : cleaned;
        return cleaned.Length > 30 ? cleaned[..30] : cleaned;
    }

    private static string ReadLog(string log)
    {
        try
        {
            return File.Exists(log) ? File.ReadAllText(log) : string.Empty;
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    [GeneratedRegex("[^a-z0-9_]+")]
    private static partial Regex NotIdentifierCharacters();
}
