using Portal.Data;

namespace Portal.Tests.TestSupport;

/// <summary><see cref="ProviderTests"/> with the web host: each test gets the portal on <see cref="ProviderTests.Provider"/>.
/// Each test starts with <see cref="SkipUnlessAvailable"/>: where PostgreSQL is missing its tests are skipped with the
/// reason (under CI=true, <see cref="ProviderFactories"/> fails instead).</summary>
public abstract class PortalOnProvider : ProviderTests, IAsyncLifetime
{
    private string? _skip;

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

    protected override void SkipUnlessAvailable() => Skip.If(_skip is not null, _skip);
}
