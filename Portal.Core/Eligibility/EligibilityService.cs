using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Common;
using Portal.Core.Injections;
using Portal.Core.Residents;
using Portal.Core.Vaccines;

namespace Portal.Core.Eligibility;

public sealed record EligibilityReasonDto(string Code, string Zh, string En, bool Blocking, DateOnly? Date);

public sealed record EligibilityDto(long ResidentId, long ProductId, string ProductName, string ProductNameEn, DateOnly Date, int DoseNumber,
    int? SeriesLength, bool IsEligible, bool IsBooster, DateOnly? EarliestDate, DateOnly? DueBy, IReadOnlyList<EligibilityReasonDto> Reasons);

public sealed record NextDoseDto(string ProgrammeCode, string ProgrammeName, string ProgrammeNameEn, string SeriesGroup, long ProductId,
    string ProductName, string ProductNameEn, int? DoseNumber, DateOnly? DueDate, bool IsOverdue, bool IsBooster, bool IsComplete,
    IReadOnlyList<EligibilityReasonDto> Reasons);

/// <summary>Next doses of every series the person has started, plus the children's programme for under-7s (else null).</summary>
public sealed record NextDosesDto(long ResidentId, DateOnly Today, IReadOnlyList<NextDoseDto> Series, IReadOnlyList<ChildScheduleItem>? ChildSchedule);

/// <summary>Loads the catalogue's rules and the person's history and asks <see cref="EligibilityEngine"/>.</summary>
public sealed class EligibilityService(IDbContextFactory<DbContext> contexts, TimeProvider clock)
{
    /// <summary>The children's programme table is shown for children under this age.</summary>
    public const int ChildScheduleUntilMonths = 84;

    /// <summary>Everything the engine needs for one product and one person, read in the caller's context.</summary>
    public static async Task<(VaccineProduct Product, EligibilityResult Result)> EvaluateAsync(DbContext db, long productId, Resident resident,
        DateOnly on, int? doseNumber, CancellationToken ct)
    {
        var group = await db.Set<VaccineProduct>().AsNoTracking().Where(p => p.Id == productId).Select(p => p.SeriesGroup).FirstOrDefaultAsync(ct)
            ?? throw VaccineCatalogue.ProductNotFound();
        // The product's series group holds the product itself: a catalogue of just that group is all the engine reads.
        var catalogue = new CatalogueSnapshot(await SeriesProductsAsync(db, group, ct), DateTimeOffset.MinValue);
        return await EvaluateAsync(db, catalogue, productId, resident, on, doseNumber, ct);
    }

    /// <summary>As above, with the rules from an in-memory <see cref="CatalogueSnapshot"/>: one round trip (the history).</summary>
    public static async Task<(VaccineProduct Product, EligibilityResult Result)> EvaluateAsync(DbContext db, CatalogueSnapshot catalogue,
        long productId, Resident resident, DateOnly on, int? doseNumber, CancellationToken ct)
    {
        var product = catalogue.Find(productId) ?? throw VaccineCatalogue.ProductNotFound();
        return Evaluate(catalogue, productId, resident, await HistoryAsync(db, resident.Id, product.SeriesGroup, ct), on, doseNumber);
    }

    /// <summary>The engine alone: rules from the snapshot, the person's doses already read (any series; the
    /// product's series is picked out here).</summary>
    public static (VaccineProduct Product, EligibilityResult Result) Evaluate(CatalogueSnapshot catalogue, long productId, Resident resident,
        IEnumerable<DoseRecord> allDoses, DateOnly on, int? doseNumber)
    {
        var product = catalogue.Find(productId) ?? throw VaccineCatalogue.ProductNotFound();
        var series = catalogue.Series(product.SeriesGroup);
        var history = allDoses.Where(d => series.Any(p => p.Id == d.ProductId)).ToList();
        return (product, EligibilityEngine.Check(product, new PersonFacts(resident.BirthDate, resident.Sex), history, on, doseNumber, series));
    }

    /// <summary>Throws 409 "not_eligible" with every blocking reason (zh and en) when the result is not eligible.</summary>
    public static void EnsureEligible(EligibilityResult result)
    {
        if (!result.IsEligible)
            throw EligibilityErrors.NotEligible.With(EligibilityEngine.Describe(result));
    }

    public static async Task<IReadOnlyList<DoseRecord>> HistoryAsync(DbContext db, long residentId, string seriesGroup, CancellationToken ct) =>
        await db.Set<Injection>().AsNoTracking().Where(i => i.ResidentId == residentId)
            .Join(db.Set<VaccineProduct>().Where(p => p.SeriesGroup == seriesGroup), i => i.ProductId, p => p.Id,
                (i, p) => new DoseRecord(i.ProductId, i.DoseNumber, i.InjectedOn))
            .ToListAsync(ct);

    private static async Task<IReadOnlyList<VaccineProduct>> SeriesProductsAsync(DbContext db, string seriesGroup, CancellationToken ct) =>
        await db.Set<VaccineProduct>().AsNoTracking().Include(p => p.Programme).Include(p => p.Schedules).ThenInclude(s => s.Doses)
            .Where(p => p.SeriesGroup == seriesGroup).OrderBy(p => p.Id).ToListAsync(ct);

    /// <summary>May this resident have this product on this date (default: today, China time), and if not, why.</summary>
    public async Task<EligibilityDto> CheckAsync(long residentId, long productId, DateOnly? on, CancellationToken ct = default)
    {
        var date = on ?? ChinaTime.Today(clock);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var resident = await FindResidentAsync(db, residentId, ct);
        var (product, r) = await EvaluateAsync(db, productId, resident, date, null, ct);
        return new EligibilityDto(resident.Id, product.Id, product.Name, product.NameEn, date, r.DoseNumber, r.SeriesLength, r.IsEligible, r.IsBooster,
            r.EarliestDate, r.DueBy, ToDtos(r.Reasons));
    }

    public async Task<NextDosesDto> NextDosesAsync(long residentId, CancellationToken ct = default)
    {
        var today = ChinaTime.Today(clock);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var resident = await FindResidentAsync(db, residentId, ct);
        var person = new PersonFacts(resident.BirthDate, resident.Sex);
        var given = await db.Set<Injection>().AsNoTracking().Where(i => i.ResidentId == residentId)
            .Join(db.Set<VaccineProduct>(), i => i.ProductId, p => p.Id, (i, p) => new { i.ProductId, i.DoseNumber, i.InjectedOn, p.SeriesGroup })
            .ToListAsync(ct);
        var childTable = await db.Set<ChildScheduleEntry>().AsNoTracking().ToListAsync(ct);

        var series = new List<NextDoseDto>();
        foreach (var group in given.GroupBy(g => g.SeriesGroup).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var products = await SeriesProductsAsync(db, group.Key, ct);
            var lastUsed = group.OrderByDescending(g => g.InjectedOn).First().ProductId;
            var product = products.First(p => p.Id == lastUsed);
            var history = group.Select(g => new DoseRecord(g.ProductId, g.DoseNumber, g.InjectedOn)).ToList();
            var next = EligibilityEngine.NextDoseFor(product, person, history, today, products, childTable);
            var answered = products.First(p => p.Id == next.ProductId);
            var programme = answered.Programme!;
            series.Add(new NextDoseDto(programme.Code, programme.Name, programme.NameEn, group.Key, answered.Id, answered.Name, answered.NameEn,
                next.DoseNumber, next.DueDate, next.IsOverdue, next.IsBooster, next.IsComplete, ToDtos(next.Reasons)));
        }

        IReadOnlyList<ChildScheduleItem>? children = null;
        if (EligibilityEngine.AgeInMonths(resident.BirthDate, today) < ChildScheduleUntilMonths)
        {
            var programmeCodes = await db.Set<VaccineProgramme>().AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Code, ct);
            var doses = await db.Set<Injection>().AsNoTracking().Where(i => i.ResidentId == residentId)
                .Select(i => new { i.ProgrammeId, i.DoseNumber, i.InjectedOn }).ToListAsync(ct);
            children = EligibilityEngine.ChildrenSchedule(resident.BirthDate, childTable,
                doses.Where(d => programmeCodes.ContainsKey(d.ProgrammeId)).Select(d => new GivenProgrammeDose(programmeCodes[d.ProgrammeId], d.DoseNumber, d.InjectedOn)).ToList(),
                today);
        }
        return new NextDosesDto(residentId, today, series, children);
    }

    /// <summary>The children's programme for a birth date, nothing given yet (the public schedule page).</summary>
    public async Task<IReadOnlyList<ChildScheduleItem>> ChildrenScheduleAsync(DateOnly? birthDate, CancellationToken ct = default)
    {
        var today = ChinaTime.Today(clock);
        if (birthDate is not { } birth)
            throw new DomainValidationException("birthDate", new("请填写出生日期", "birthDate is required (yyyy-MM-dd)"));
        if (birth > today)
            throw new DomainValidationException("birthDate", new("出生日期不能晚于今天", "birthDate cannot be in the future"));
        if (birth < today.AddYears(-18))
            throw new DomainValidationException("birthDate", new("儿童免疫程序仅适用于18岁以下", "The children's schedule is for people under 18"));
        await using var db = await contexts.CreateDbContextAsync(ct);
        var table = await db.Set<ChildScheduleEntry>().AsNoTracking().ToListAsync(ct);
        return EligibilityEngine.ChildrenSchedule(birth, table, [], today);
    }

    private static async Task<Resident> FindResidentAsync(DbContext db, long residentId, CancellationToken ct) =>
        await db.Set<Resident>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == residentId, ct)
        ?? throw ResidentsErrors.ResidentNotFound.Exception();

    private static IReadOnlyList<EligibilityReasonDto> ToDtos(IReadOnlyList<EligibilityReason> reasons) =>
        reasons.Select(r => new EligibilityReasonDto(r.Code, r.Message.Zh, r.Message.En, r.Blocking, r.Date)).ToList();
}
