namespace Portal.Tests.TestSupport;

/// <summary>
/// Guards for tests that need a server or a browser. Call one first in a <c>[SkippableFact]</c>:
/// on a developer's machine a missing dependency skips the test with the reason; under CI=true it
/// fails the test, so CI can never go green by skipping.
/// </summary>
public static class Requirements
{
    public static void PostgreSql() => Require(PostgresServer.IsAvailable(out var reason), reason);

    public static void Redis() => Require(RedisServer.IsAvailable(out var reason), reason);

    public static void Chromium() => Require(TestSupport.Chromium.IsAvailable(out var reason), reason);

    /// <summary>Skips (or, under CI, fails) the current test unless <paramref name="available"/>.</summary>
    public static void Require(bool available, string reason) => Require(available, reason, TestEnvironment.IsCi);

    internal static void Require(bool available, string reason, bool isCi)
    {
        if (available)
        {
            return;
        }

        if (isCi)
        {
            throw new MissingTestDependencyException(reason);
        }

        Skip.If(true, reason);
    }
}

/// <summary>Thrown under CI=true where a test would otherwise have been skipped.</summary>
public sealed class MissingTestDependencyException(string reason)
    : Exception($"{reason} (CI=true: a missing test dependency fails the test instead of skipping it)");
