using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using Portal.Data;
using Portal.Data.Seed;

namespace Portal.Tests.TestSupport;

/// <summary>
/// A migrated, reference-seeded database of its own (SQLite file or PostgreSQL) without the web host, for
/// service-level and component tests. Both EF factory shapes the app registers are offered.
/// <para>Migrating and seeding costs about a second, so it is done once per process into a template, and every test
/// gets a copy of it (SQLite: the backup API; PostgreSQL: <c>CREATE DATABASE … TEMPLATE</c>). A fixture whose own
/// arrangement is costly names a template of its own (<see cref="SqliteAsync{T}"/>): seeded once, copied per test.
/// SQLite contexts are built with the app's own set-up (<see cref="SqliteDbContextOptions.UsePortalSqlite"/>), so the
/// tests run on the pragmas (WAL, busy_timeout, foreign keys) production runs on.</para>
/// </summary>
public sealed class TestDatabase : IDbContextFactory<PortalDbContext>, IDbContextFactory<DbContext>
{
    private const string ReferenceTemplate = "reference";

    // Keyed by template name; the value is the template's SQLite path with what its seeding returned.
    private static readonly ConcurrentDictionary<string, Lazy<Task<(string Path, object? Seeded)>>> SqliteTemplates = new();
    private static readonly Lazy<Task<string>> PostgreSqlTemplate = new(CreatePostgreSqlTemplateAsync);

    private readonly Func<PortalDbContext> _create;

    private TestDatabase(DatabaseProvider provider, Func<PortalDbContext> create)
    {
        Provider = provider;
        _create = create;
    }

    public DatabaseProvider Provider { get; }

    /// <summary>What the provider's set-up registers for <see cref="Portal.Core.Booking.BookingService"/> (AddPortalData).</summary>
    public Portal.Core.Booking.IBookingFastPath? BookingFastPath { get; private init; }

    public static Task<TestDatabase> CreateAsync(DatabaseProvider provider) =>
        provider == DatabaseProvider.PostgreSql ? PostgreSqlAsync() : SqliteAsync();

    public static Task<TestDatabase> SqliteAsync() => SqliteAsync(null);

    /// <param name="interceptor">Another interceptor for every context (e.g. one that counts commands).</param>
    public static async Task<TestDatabase> SqliteAsync(IInterceptor? interceptor)
    {
        var template = await SqliteTemplateAsync<object?>(ReferenceTemplate, _ => Task.FromResult<object?>(null));
        return await CopyAsync(template.Path, SqliteFiles.NewDatabaseFile("svc"), interceptor);
    }

    /// <summary>A copy of the template named <paramref name="template"/>: the reference database plus what
    /// <paramref name="seed"/> adds, seeded once per process (the first caller's <paramref name="seed"/> wins, so one
    /// name belongs to one fixture). Returns the copy and what <paramref name="seed"/> returned, shared by every copy.</summary>
    public static async Task<(TestDatabase Database, T Seeded)> SqliteAsync<T>(string template, Func<TestDatabase, Task<T>> seed)
    {
        var (path, seeded) = await SqliteTemplateAsync(template, seed);
        return (await CopyAsync(path, SqliteFiles.NewDatabaseFile(template), null), (T)seeded!);
    }

    public static async Task<TestDatabase> PostgreSqlAsync()
    {
        Requirements.PostgreSql();
        var cs = await PostgresServer.CreateDatabaseAsync("svc", await PostgreSqlTemplate.Value);
        return PostgreSql(cs);
    }

    public PortalDbContext CreateDbContext() => _create();

    DbContext IDbContextFactory<DbContext>.CreateDbContext() => _create();

    private static TestDatabase Sqlite(string path, IInterceptor? interceptor)
    {
        var builder = new DbContextOptionsBuilder<SqliteDbContext>();
        builder.UsePortalSqlite(SqliteFiles.ConnectionStringFor(path));
        if (interceptor is not null) builder.AddInterceptors(interceptor);
        var options = builder.Options;
        return new TestDatabase(DatabaseProvider.Sqlite, () => new SqliteDbContext(options));
    }

    private static TestDatabase PostgreSql(string connectionString)
    {
        var options = new DbContextOptionsBuilder<PostgresDbContext>().UseNpgsql(connectionString).Options;
        return new TestDatabase(DatabaseProvider.PostgreSql, () => new PostgresDbContext(options)) { BookingFastPath = new PostgresBookingFastPath() };
    }

    private static async Task<(string Path, object? Seeded)> SqliteTemplateAsync<T>(string name, Func<TestDatabase, Task<T>> seed) =>
        await SqliteTemplates.GetOrAdd(name, _ => new(async () =>
        {
            var path = SqliteFiles.NewDatabaseFile($"template-{name}");
            TestDatabase db;
            if (name == ReferenceTemplate)
            {
                db = Sqlite(path, null);
                await MigrateAndSeedAsync(db);
            }
            else
            {
                var reference = await SqliteTemplateAsync<object?>(ReferenceTemplate, _ => Task.FromResult<object?>(null));
                db = await CopyAsync(reference.Path, path, null);
            }
            object? seeded = await seed(db);
            return (path, seeded);
        })).Value;

    private static async Task<TestDatabase> CopyAsync(string templatePath, string path, IInterceptor? interceptor)
    {
        // The backup API, not a file copy: it also carries pages still in the template's write-ahead log.
        await using (var source = new SqliteConnection(SqliteFiles.ConnectionStringFor(templatePath)))
        await using (var target = new SqliteConnection(SqliteFiles.ConnectionStringFor(path)))
        {
            await source.OpenAsync();
            await target.OpenAsync();
            source.BackupDatabase(target);
        }
        return Sqlite(path, interceptor);
    }

    private static async Task<string> CreatePostgreSqlTemplateAsync()
    {
        var cs = await PostgresServer.CreateDatabaseAsync("template");
        await MigrateAndSeedAsync(PostgreSql(cs));
        // CREATE DATABASE … TEMPLATE refuses a source with open sessions, pooled idle ones included.
        await using (var connection = new NpgsqlConnection(cs)) NpgsqlConnection.ClearPool(connection);
        return new NpgsqlConnectionStringBuilder(cs).Database!;
    }

    private static async Task MigrateAndSeedAsync(TestDatabase db)
    {
        await using var ctx = db.CreateDbContext();
        await ctx.Database.MigrateAsync();
        await ReferenceDataSeeder.SeedAsync(ctx);
    }
}
