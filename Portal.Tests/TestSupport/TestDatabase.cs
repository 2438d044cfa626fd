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

    /// <summary>What the provider's set-up registers for <see cref="Portal.Core.Booking.BookingService"/> (AddPortalData).</summary>
    public Portal.Core.Booking.IBookingFastPath? BookingFastPath { get; private init; }

    public static Task<TestDatabase> SqliteAsync() => SqliteAsync(null);

    /// <param name="interceptor">Another interceptor for every context (e.g. one that counts commands).</param>
    public static Task<TestDatabase> SqliteAsync(IInterceptor? interceptor)
    {
        // The app's own SQLite set-up (pragmas, write queue), so concurrency tests see the app's behaviour.
        var builder = new DbContextOptionsBuilder<SqliteDbContext>().UsePortalSqlite(SqliteFiles.ConnectionStringFor(SqliteFiles.NewDatabaseFile("svc")));
        if (interceptor is not null) builder.AddInterceptors(interceptor);
        var options = builder.Options;
        return InitAsync(new TestDatabase(DatabaseProvider.Sqlite, () => new SqliteDbContext(options)));
    }

    public static async Task<TestDatabase> PostgreSqlAsync()
    {
        Requirements.PostgreSql();
        var cs = await PostgresServer.CreateDatabaseAsync("svc");
        var options = new DbContextOptionsBuilder<PostgresDbContext>().UseNpgsql(cs).Options;
        return await InitAsync(new TestDatabase(DatabaseProvider.PostgreSql, () => new PostgresDbContext(options)) { BookingFastPath = new PostgresBookingFastPath() });
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
