using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Unit;

/// <summary>
/// Each provider's migrations describe the model exactly: a change to an entity or a configuration without a new
/// migration for every provider fails here, in plain <c>dotnet test</c>, not only in <c>.ci/run</c>'s
/// <c>dotnet ef migrations has-pending-model-changes</c>. The contexts are built as the design-time factories build
/// them (<c>Portal.Data/DesignTimeFactories.cs</c>); no database is contacted, so SQL Server is checked too.
/// </summary>
public abstract class MigrationDriftTests : ProviderTests
{
    // The check reads the migrations and the model only, so it runs (and is never skipped) where the server is missing.
    protected override void SkipUnlessAvailable() { }

    [Fact]
    public void The_providers_migrations_match_the_model()
    {
        using DbContext db = Provider switch
        {
            DatabaseProvider.Sqlite => new SqliteDbContext(new DbContextOptionsBuilder<SqliteDbContext>().UseSqlite("Data Source=drift.db").Options),
            DatabaseProvider.PostgreSql => new PostgresDbContext(new DbContextOptionsBuilder<PostgresDbContext>().UseNpgsql("Host=localhost;Database=drift").Options),
            DatabaseProvider.SqlServer => new SqlServerDbContext(new DbContextOptionsBuilder<SqlServerDbContext>()
                .UseSqlServer("Server=localhost;Database=drift;TrustServerCertificate=True").Options),
            _ => throw new ArgumentOutOfRangeException(nameof(Provider)),
        };

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(),
            $"The {Provider} model has changes no migration describes: add one migration per provider " +
            "(the three commands are in docs/decisions/0002-one-context-derived-per-provider.md).");
    }
}

public sealed class MigrationDriftOnSqliteTests : MigrationDriftTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class MigrationDriftOnPostgreSqlTests : MigrationDriftTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}

public sealed class MigrationDriftOnSqlServerTests : MigrationDriftTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.SqlServer;
}
