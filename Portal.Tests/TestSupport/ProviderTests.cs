using Portal.Data;

namespace Portal.Tests.TestSupport;

/// <summary>
/// The one way to run a test on every provider. The tests live in an abstract class deriving from this one (or from
/// <see cref="PortalOnProvider"/> when they need the web host), and each provider gets a sealed subclass that only
/// names it, so a test's full name says where it ran (<c>OverbookingOnPostgreSqlTests.Parallel_bookings_…</c>):
/// <code>
/// public abstract class OverbookingTests : ProviderTests
/// {
///     [SkippableFact]
///     public async Task Parallel_bookings_never_exceed_capacity() { var db = await NewDatabaseAsync(); … }
/// }
/// public sealed class OverbookingOnSqliteTests : OverbookingTests { protected override DatabaseProvider Provider => DatabaseProvider.Sqlite; }
/// public sealed class OverbookingOnPostgreSqlTests : OverbookingTests { protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql; }
/// </code>
/// Every test is a <c>[SkippableFact]</c> and starts with <see cref="SkipUnlessAvailable"/> (or <see cref="NewDatabaseAsync"/>,
/// which calls it): where PostgreSQL is missing it is skipped with the reason, and under CI=true it fails instead.
/// A test about one provider's own mechanics (SQLite's write queue, a PostgreSQL-only statement) stays a plain test
/// that says so in its name.
/// </summary>
public abstract class ProviderTests
{
    protected abstract DatabaseProvider Provider { get; }

    /// <summary>Skips the test (under CI=true: fails it) when <see cref="Provider"/>'s server is missing here.</summary>
    protected virtual void SkipUnlessAvailable()
    {
        if (Provider == DatabaseProvider.PostgreSql) Requirements.PostgreSql();
    }

    /// <summary>A fresh migrated, reference-seeded database on <see cref="Provider"/>.</summary>
    protected Task<TestDatabase> NewDatabaseAsync()
    {
        SkipUnlessAvailable();
        return TestDatabase.CreateAsync(Provider);
    }
}
