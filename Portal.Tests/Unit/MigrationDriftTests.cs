using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Tests.Unit;

/// <summary>
/// Each provider's migrations describe the model exactly: a change to an entity or a configuration without a new
/// migration for every provider fails here, in plain <c>dotnet test</c>, not only in <c>.ci/run</c>'s
/// <c>dotnet ef migrations has-pending-model-changes</c>. The contexts are built as the design-time factories build
/// them (<c>Portal.Data/DesignTimeFactories.cs</c>); no database is contacted, so SQL Server is checked too.
/// </summary>
public sealed class MigrationDriftTests
{
    public static TheoryData<string> Providers => new() { "Sqlite", "PostgreSql", "SqlServer" };

    [Theory]
    [MemberData(nameof(Providers))]
    public void The_providers_migrations_match_the_model(string provider)
    {
        using DbContext db = provider switch
        {
            "Sqlite" => new SqliteDbContext(new DbContextOptionsBuilder<SqliteDbContext>().UseSqlite("Data Source=drift.db").Options),
            "PostgreSql" => new PostgresDbContext(new DbContextOptionsBuilder<PostgresDbContext>().UseNpgsql("Host=localhost;Database=drift").Options),
            "SqlServer" => new SqlServerDbContext(new DbContextOptionsBuilder<SqlServerDbContext>()
                .UseSqlServer("Server=localhost;Database=drift;TrustServerCertificate=True").Options),
            _ => throw new ArgumentOutOfRangeException(nameof(provider)),
        };

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(),
            $"The {provider} model has changes no migration describes: add one migration per provider " +
            "(the three commands are in docs/decisions/0002-one-context-derived-per-provider.md).");
    }
}
