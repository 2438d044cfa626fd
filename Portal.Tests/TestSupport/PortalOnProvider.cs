using Portal.Data;

namespace Portal.Tests.TestSupport;

/// <summary>Base of test classes that run once per provider: an abstract subclass holds the tests, and one sealed
/// subclass per provider names it. Each test starts with <see cref="SkipUnlessAvailable"/>: where PostgreSQL is
/// missing its tests are skipped with the reason (under CI=true, <see cref="ProviderFactories"/> fails instead).</summary>
public abstract class PortalOnProvider : IAsyncLifetime
{
    private string? _skip;

    protected abstract DatabaseProvider Provider { get; }

    /// <summary>Configuration the class's portal starts with on top of the test defaults (null: none).</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    /// <summary>The portal on <see cref="Provider"/>; null only when the tests are skipped.</summary>
    protected PortalFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        (var factory, _skip) = await ProviderFactories.CreateAsync(Provider, Settings);
        if (factory is null) return;
        Factory = factory;
        await ArrangeAsync();
    }

    /// <summary>Arrangements every test of the class shares, once the portal runs.</summary>
    protected virtual Task ArrangeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (Factory is not null) await Factory.DisposeAsync();
    }

    protected void SkipUnlessAvailable() => Skip.If(_skip is not null, _skip);
}
