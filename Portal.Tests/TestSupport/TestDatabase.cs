using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Data;
using Portal.Data.Seed;

namespace Portal.Tests.TestSupport;

/// <summary>A migrated, reference-seeded database (SQLite file or PostgreSQL) without the web host,
/// for service-level tests. Both EF factory shapes the app registers are offered.</summary>
public sealed class TestDatabase : IDbContextFactory<PortalDbContext>, IDbContextFactory<DbContext>
{
    private readonly Func<PortalDbContext> _create;

    private TestDatabase(DatabaseProvider provider, Func<PortalDbContext> create)
    {
        Provider = provider;
        _create = create;
    }

    public DatabaseProvider Provider { get; }

    public static Task<TestDatabase> SqliteAsync() => SqliteAsync(null);

    /// <param name="interceptor">Another interceptor for every context (e.g. one that counts commands).</param>
    public static Task<TestDatabase> SqliteAsync(IInterceptor? interceptor)
    {
        var cs = SqliteConnectionStrings.WithDefaults(SqliteFiles.ConnectionStringFor(SqliteFiles.NewDatabaseFile("svc")));
        var options = new DbContextOptionsBuilder<SqliteDbContext>().UseSqlite(cs)
            .AddInterceptors(interceptor is null ? [SqliteTestPragmas.Instance] : [SqliteTestPragmas.Instance, interceptor]).Options;
        return InitAsync(new TestDatabase(DatabaseProvider.Sqlite, () => new SqliteDbContext(options)));
    }

    public static async Task<TestDatabase> PostgreSqlAsync()
    {
        Requirements.PostgreSql();
        var cs = await PostgresServer.CreateDatabaseAsync("svc");
        var options = new DbContextOptionsBuilder<PostgresDbContext>().UseNpgsql(cs).Options;
        return await InitAsync(new TestDatabase(DatabaseProvider.PostgreSql, () => new PostgresDbContext(options)));
    }

    public static Task<TestDatabase> CreateAsync(DatabaseProvider provider) =>
        provider == DatabaseProvider.PostgreSql ? PostgreSqlAsync() : SqliteAsync();

    private static async Task<TestDatabase> InitAsync(TestDatabase db)
    {
        await using var ctx = db.CreateDbContext();
        await ctx.Database.MigrateAsync();
        await ReferenceDataSeeder.SeedAsync(ctx);
        return db;
    }

    public PortalDbContext CreateDbContext() => _create();

    DbContext IDbContextFactory<DbContext>.CreateDbContext() => _create();
}

/// <summary>The same WAL + busy_timeout pragmas the app sets, so concurrency tests see the app's behaviour.</summary>
internal sealed class SqliteTestPragmas : Microsoft.EntityFrameworkCore.Diagnostics.DbConnectionInterceptor
{
    public static readonly SqliteTestPragmas Instance = new();

    public override async Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection,
        Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public override void ConnectionOpened(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";
        cmd.ExecuteNonQuery();
    }
}
