using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;

namespace Portal.Core.Vaccines;

/// <summary>The products, their dose schedules and programmes, as one immutable in-memory snapshot.</summary>
/// <remarks>Treat every entity in it as read-only: one snapshot is shared by all requests.</remarks>
public sealed class CatalogueSnapshot
{
    private readonly Dictionary<long, VaccineProduct> _byId;
    private readonly Dictionary<string, IReadOnlyList<VaccineProduct>> _bySeries;

    public CatalogueSnapshot(IReadOnlyList<VaccineProduct> products, DateTimeOffset loadedAt)
    {
        Products = products;
        LoadedAt = loadedAt;
        _byId = products.ToDictionary(p => p.Id);
        _bySeries = products.GroupBy(p => p.SeriesGroup, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<VaccineProduct>)g.OrderBy(p => p.Id).ToList(), StringComparer.Ordinal);
    }

    public IReadOnlyList<VaccineProduct> Products { get; }
    public DateTimeOffset LoadedAt { get; }

    public VaccineProduct? Find(long productId) => _byId.GetValueOrDefault(productId);

    /// <summary>Every product that counts for the series, ordered by id.</summary>
    public IReadOnlyList<VaccineProduct> Series(string seriesGroup) => _bySeries.GetValueOrDefault(seriesGroup) ?? [];

    public static async Task<CatalogueSnapshot> LoadAsync(DbContext db, DateTimeOffset now, CancellationToken ct) =>
        new(await db.Set<VaccineProduct>().AsNoTracking().AsSplitQuery()
            .Include(p => p.Programme).Include(p => p.Schedules).ThenInclude(s => s.Doses)
            .OrderBy(p => p.Id).ToListAsync(ct), now);
}

/// <summary>
/// The vaccine catalogue (products, dose schedules and rules) held in memory. It is reference data: a few hundred
/// rows that change a few times a year, yet every booking, eligibility check and injection needs them; reading them
/// per request was two of the booking's eight round trips. A snapshot is reused for <see cref="MaxAge"/>; after that
/// the next caller reloads it while the others keep using the old one. A change made through this process calls
/// <see cref="Invalidate"/>, which raises <see cref="Invalidated"/>: with Redis configured, the relay passes it to the
/// other instances at once (<see cref="InvalidateFromAnotherInstance"/>); without, they see it within <see cref="MaxAge"/>. Callers take the snapshot before
/// they open their own connection, so a reload never waits for a pool that the waiting callers hold.
/// </summary>
public sealed class VaccineCatalogue(IDbContextFactory<DbContext> contexts, TimeProvider clock, TimeSpan maxAge)
{
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromSeconds(60);

    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile CatalogueSnapshot? _current;
    private long _generation;

    public VaccineCatalogue(IDbContextFactory<DbContext> contexts, TimeProvider clock) : this(contexts, clock, DefaultMaxAge) { }

    public TimeSpan MaxAge { get; } = maxAge;

    public async ValueTask<CatalogueSnapshot> GetAsync(CancellationToken ct = default)
    {
        if (MaxAge <= TimeSpan.Zero) return await LoadAsync(ct);
        var current = _current;
        if (current is not null && clock.GetUtcNow() - current.LoadedAt < MaxAge) return current;
        // Stale but present: one caller reloads, the rest go on with what they have.
        if (current is not null && !await _reload.WaitAsync(0, ct)) return current;
        if (current is null) await _reload.WaitAsync(ct);
        try
        {
            var again = _current;
            if (again is not null && again != current && clock.GetUtcNow() - again.LoadedAt < MaxAge) return again;
            var generation = Volatile.Read(ref _generation);
            var loaded = await LoadAsync(ct);
            // An edit committed while this load was reading may be missing from it: keep it only if no Invalidate
            // came in between, so the next caller reloads rather than serving the old rules for a whole MaxAge.
            if (Volatile.Read(ref _generation) == generation) _current = loaded;
            return loaded;
        }
        finally
        {
            _reload.Release();
        }
    }

    private async Task<CatalogueSnapshot> LoadAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await CatalogueSnapshot.LoadAsync(db, clock.GetUtcNow(), ct);
    }

    /// <summary>Raised after an edit made in this process invalidated the catalogue (the Redis relay tells the other instances).</summary>
    public event Action? Invalidated;

    /// <summary>The next read loads the catalogue afresh (after an edit of products, schedules or rules made here).</summary>
    public void Invalidate()
    {
        InvalidateFromAnotherInstance();
        Invalidated?.Invoke();
    }

    /// <summary>Another instance edited the catalogue: reload here too, without announcing it again.</summary>
    public void InvalidateFromAnotherInstance()
    {
        Interlocked.Increment(ref _generation);
        _current = null;
    }

    /// <summary>The product, or 404 "product_not_found".</summary>
    public async ValueTask<VaccineProduct> RequireAsync(long productId, CancellationToken ct = default) =>
        (await GetAsync(ct)).Find(productId) ?? throw ProductNotFound();

    public static DomainProblemException ProductNotFound() =>
        VaccinesErrors.ProductNotFound.Exception();
}
