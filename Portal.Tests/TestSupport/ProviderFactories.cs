using Portal.Data;

namespace Portal.Tests.TestSupport;

/// <summary>For test classes that run once per provider (an abstract class with one sealed subclass per provider):
/// the portal on that provider, or the reason it cannot run here. Under CI=true a missing PostgreSQL is a failure.</summary>
public static class ProviderFactories
{
    public static async Task<(PortalFactory? Factory, string? SkipReason)> CreateAsync(DatabaseProvider provider, IDictionary<string, string?>? settings = null)
    {
        if (provider != DatabaseProvider.PostgreSql)
            return (PortalFactory.Sqlite(settings), null);
        if (!PostgresServer.IsAvailable(out var reason))
            return TestEnvironment.IsCi ? throw new InvalidOperationException($"CI=true but PostgreSQL is missing: {reason}") : (null, reason);
        return (await PortalFactory.PostgreSqlAsync(settings), null);
    }
}
