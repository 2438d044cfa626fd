using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Areas;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Identity;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Vaccines;

namespace Portal.Core.Waitlist;

/// <param name="OfferHours">Hours an offer stays open (default 48).</param>
/// <param name="Seed">Lottery seed; a random one is chosen and stored when omitted.</param>
/// <param name="DistrictCode">Only residents who prefer this district (or a site in it), or stated no preference. A district
/// administrator's campaigns are always their own district's.</param>
public sealed record CampaignRequest(long? ProductId, int? Places, AllocationMethod? Method, int? OfferHours = null, long? Seed = null,
    string? DistrictCode = null, string? Name = null);

/// <param name="DistrictCode">The district drawn from; null for a city-wide campaign.</param>
public sealed record CampaignDto(long Id, long ProductId, string Name, AllocationMethod Method, int Places, int OfferHours, long? Seed,
    DateTimeOffset? DrawnAt, string? ResultHash, int Candidates, int Offered, int Accepted, string? DistrictCode = null);

public sealed record ScarceProductSummary(long ProductId, string Code, string Name, string NameEn, int Waiting, IReadOnlyList<CampaignDto> Campaigns);

public sealed record DrawVerification(long CampaignId, bool Matches, string? StoredHash, string RecomputedHash, int Candidates, long? Seed);

public sealed record WaitlistEventDto(DateTimeOffset At, string Kind, long? CampaignId, string Detail);

/// <param name="Position">Place among the product's Waiting entries today; null unless Waiting.</param>
/// <param name="HiddenEvents">Steps in campaigns outside the caller's district, left out of <paramref name="Events"/>.</param>
public sealed record EntryExplanation(long EntryId, string ResidentIdMasked, string ResidentNameMasked, string ProductName, DateTimeOffset RegisteredAt,
    WaitlistStatus Status, int? Position, IReadOnlyList<WaitlistEventDto> Events, int HiddenEvents = 0);

/// <summary>The waitlist console's errors beyond plain field validation.</summary>
public static class AllocationProblems
{
    public static DomainProblemException OutOfScope() => WaitlistErrors.WaitlistOutOfScope.Exception();

    public static DomainValidationException OtherDistrict() => new("districtCode",
        new("区级管理员只能为本区分配名额", "A district administrator may only draw for their own district"));

    public static DomainProblemException CampaignNotFound() => WaitlistErrors.CampaignNotFound.Exception();
}

/// <summary>Staff side of the waitlist: campaigns drawn by registration order or by seeded lottery, their public
/// verification, and the per-entry history that answers "why did she get a dose before me?".</summary>
/// <remarks>Every method takes the caller's <see cref="StaffScope"/>. The city sees and draws everything. A district
/// administrator sees their district's campaigns only, draws only for their district, and counts and looks up only the
/// entries their draws could reach (preferring their district or a site in it, or stating no preference: the
/// candidate rule). Any other scope sees nothing and draws nothing (docs/features/waitlist.md).</remarks>
public sealed class AllocationService(IDbContextFactory<DbContext> contexts, TimeProvider clock)
{
    public const int MaxPlaces = 100_000;
    public const int MaxOfferHours = 24 * 14;

    /// <summary>Creates a campaign and draws it at once: records every candidate with its position, stores seed and
    /// result hash, and offers the first <c>Places</c> candidates (SMS queued in the same transaction).</summary>
    /// <exception cref="DomainProblemException">Forbidden for a scope that is neither the city nor a district.</exception>
    public async Task<CampaignDto> CreateAndDrawAsync(StaffScope scope, CampaignRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(request);
        var reach = Reach.Of(scope);
        if (reach.None) throw AllocationProblems.OutOfScope();
        var requested = string.IsNullOrWhiteSpace(request.DistrictCode) ? null : request.DistrictCode.Trim();
        if (reach.District is { } own && requested is not null && requested != own) throw AllocationProblems.OtherDistrict();
        var district = reach.District ?? requested;

        var errors = new List<FieldError>();
        if (request.ProductId is not > 0) errors.Add(new("productId", new("请选择疫苗", "Choose the vaccine")));
        if (request.Places is not (> 0 and <= MaxPlaces)) errors.Add(new("places", new($"名额须为1至{MaxPlaces}", $"Places must be 1 to {MaxPlaces}")));
        if (request.Method is not { } method || !Enum.IsDefined(method)) errors.Add(new("method", new("请选择分配方式", "Choose the allocation method")));
        var hours = request.OfferHours ?? 48;
        if (hours is < 1 or > MaxOfferHours) errors.Add(new("offerHours", new($"有效时长须为1至{MaxOfferHours}小时", $"Offer hours must be 1 to {MaxOfferHours}")));
        if (errors.Count > 0) throw new DomainValidationException(errors);

        await using var db = await contexts.CreateDbContextAsync(ct);
        var product = await db.Set<VaccineProduct>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == request.ProductId, ct)
            ?? throw VaccineCatalogue.ProductNotFound();
        if (!product.IsScarce)
            throw new DomainValidationException("productId", new("该疫苗不是紧缺疫苗", "This vaccine is not a scarce product"));
        var now = clock.GetUtcNow();
        var today = ChinaTime.DateOf(now);
        var waiting = db.Set<WaitlistEntry>().AsNoTracking().Where(e => e.ProductId == product.Id && e.Status == WaitlistStatus.Waiting);
        var candidates = await (from e in district is null ? waiting : CandidatesIn(db, waiting, DistrictOf(district))
                                join r in db.Set<Resident>() on e.ResidentId equals r.Id
                                where r.ScarceBookingBlockedUntil == null || r.ScarceBookingBlockedUntil < today
                                select new { e.Id, e.RegisteredAt }).ToListAsync(ct);
        if (candidates.Count == 0)
            throw WaitlistErrors.NoOneWaiting.Exception();

        var seed = request.Method == AllocationMethod.Lottery ? request.Seed ?? WaitlistDraw.NewSeed() : (long?)null;
        var order = seed is { } s
            ? WaitlistDraw.Lottery(s, candidates.Select(c => c.Id))
            : WaitlistDraw.FirstComeFirstServed(candidates.Select(c => (c.Id, c.RegisteredAt)));
        var campaign = new WaitlistCampaign
        {
            ProductId = product.Id, Method = request.Method!.Value, Places = request.Places!.Value, OfferHours = hours, Seed = seed, DrawnAt = now,
            ResultHash = WaitlistDraw.Hash(order), CreatedByUserId = scope.UserId, DistrictCode = district,
            Name = Truncate(string.IsNullOrWhiteSpace(request.Name)
                ? $"{product.Code} {ChinaTime.ToChina(now):yyyy-MM-dd HH:mm}{(district is null ? "" : " " + district)}"
                : request.Name.Trim(), 128),
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(campaign);
        await db.SaveChangesAsync(ct);
        var how = seed is { } used ? $"lottery, seed {used.ToString(CultureInfo.InvariantCulture)}" : "first come, first served";
        for (var i = 0; i < order.Count; i++)
            db.Add(new WaitlistEvent
            {
                EntryId = order[i], CampaignId = campaign.Id, Kind = WaitlistEventKinds.Candidate, At = now,
                Detail = $"campaign {campaign.Id} ({how}{(district is null ? "" : ", district " + district)}): position {i + 1} of {order.Count}, {campaign.Places} places",
            });
        await db.SaveChangesAsync(ct);
        await OfferIssuer.IssueAsync(db, campaign, campaign.Places, TimeSpan.FromHours(hours), now, "draw", ct);
        await tx.CommitAsync(ct);
        return (await CampaignsAsync(db, [campaign], ct)).Single();
    }

    /// <summary>Re-runs the draw from the stored seed and candidates and compares it with the stored result hash.</summary>
    /// <exception cref="DomainProblemException">NotFound also for a campaign outside the caller's scope (the two are not told apart).</exception>
    public async Task<DrawVerification> VerifyDrawAsync(StaffScope scope, long campaignId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var campaign = await Visible(db, scope).FirstOrDefaultAsync(c => c.Id == campaignId, ct)
            ?? throw AllocationProblems.CampaignNotFound();
        var order = await OfferIssuer.OrderAsync(db, campaign, ct);
        var hash = WaitlistDraw.Hash(order);
        return new DrawVerification(campaign.Id, string.Equals(hash, campaign.ResultHash, StringComparison.Ordinal), campaign.ResultHash, hash, order.Count, campaign.Seed);
    }

    /// <summary>Every scarce product with its number of Waiting entries and its campaigns, newest first; for a district
    /// administrator the entries their draws could reach and their district's campaigns; for other scopes nothing.</summary>
    public async Task<IReadOnlyList<ScarceProductSummary>> SummariesAsync(StaffScope scope, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var reach = Reach.Of(scope);
        if (reach.None) return [];
        await using var db = await contexts.CreateDbContextAsync(ct);
        var products = await db.Set<VaccineProduct>().AsNoTracking().Where(p => p.IsScarce).OrderBy(p => p.Code).ToListAsync(ct);
        var entries = db.Set<WaitlistEntry>().Where(e => e.Status == WaitlistStatus.Waiting);
        var waiting = await (reach.District is not null ? CandidatesIn(db, entries, scope) : entries).GroupBy(e => e.ProductId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var campaigns = await CampaignsAsync(db, await Visible(db, scope).OrderByDescending(c => c.Id).Take(200).ToListAsync(ct), ct);
        return products.Select(p => new ScarceProductSummary(p.Id, p.Code, p.Name, p.NameEn, waiting.GetValueOrDefault(p.Id),
            campaigns.Where(c => c.ProductId == p.Id).ToList())).ToList();
    }

    /// <summary>The history of entries found by entry id (digits) or by the masked ID number shown in lists. A district
    /// administrator finds only entries their draws could reach, and sees no step of another district's or a city-wide
    /// campaign (<see cref="EntryExplanation.HiddenEvents"/> counts them); other scopes find nothing.</summary>
    public async Task<IReadOnlyList<EntryExplanation>> ExplainAsync(StaffScope scope, string? query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var reach = Reach.Of(scope);
        query = query?.Trim();
        if (string.IsNullOrEmpty(query) || reach.None) return [];
        await using var db = await contexts.CreateDbContextAsync(ct);
        var all = db.Set<WaitlistEntry>().AsNoTracking();
        var entries = from e in reach.District is not null ? CandidatesIn(db, all, scope) : all
                      join r in db.Set<Resident>() on e.ResidentId equals r.Id
                      join p in db.Set<VaccineProduct>() on e.ProductId equals p.Id
                      select new { e, r.IdNumberMasked, r.Name, Product = p.Name };
        var found = long.TryParse(query, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? await entries.Where(x => x.e.Id == id).ToListAsync(ct)
            : await entries.Where(x => x.IdNumberMasked == query).OrderByDescending(x => x.e.Id).Take(20).ToListAsync(ct);
        var result = new List<EntryExplanation>();
        var campaigns = Visible(db, scope);
        foreach (var x in found)
        {
            var events = await db.Set<WaitlistEvent>().AsNoTracking().Where(ev => ev.EntryId == x.e.Id).OrderBy(ev => ev.Id)
                .Select(ev => new { ev.At, ev.Kind, ev.CampaignId, ev.Detail, Shown = ev.CampaignId == null || campaigns.Any(c => c.Id == ev.CampaignId) })
                .ToListAsync(ct);
            int? position = x.e.Status == WaitlistStatus.Waiting
                ? await db.Set<WaitlistEntry>().CountAsync(w => w.ProductId == x.e.ProductId && w.Status == WaitlistStatus.Waiting
                    && (w.RegisteredAt < x.e.RegisteredAt || (w.RegisteredAt == x.e.RegisteredAt && w.Id < x.e.Id)), ct) + 1
                : null;
            result.Add(new EntryExplanation(x.e.Id, x.IdNumberMasked, Common.Privacy.Masking.MaskName(x.Name), x.Product, x.e.RegisteredAt, x.e.Status, position,
                [.. events.Where(ev => ev.Shown).Select(ev => new WaitlistEventDto(ev.At, ev.Kind, ev.CampaignId, ev.Detail))], events.Count(ev => !ev.Shown)));
        }
        return result;
    }

    /// <summary>Which scopes the waitlist console serves: the city (draws anywhere) and a district (draws in its own); any
    /// other scope sees and draws nothing. What each of them sees is the data scope's (<see cref="DataScope"/>).</summary>
    private readonly record struct Reach(bool None, string? District)
    {
        public static Reach Of(StaffScope scope) => (scope.IsValid ? scope.Kind : null) switch
        {
            DataScopeKind.City => new(false, null),
            DataScopeKind.District => new(false, scope.DistrictCode!.Trim()),
            _ => new(true, null),
        };
    }

    /// <summary>A district's draw reaches what that district's administrator reaches.</summary>
    private static StaffScope DistrictOf(string district) => new(null, "", "", [], DataScopeKind.District, district);

    /// <summary>The candidate rule of a district's draw: entries preferring a district or a site within the district's
    /// scope, or stating no preference.</summary>
    private static IQueryable<WaitlistEntry> CandidatesIn(DbContext db, IQueryable<WaitlistEntry> entries, StaffScope district)
    {
        var districts = db.Set<District>().WithinScope(district).Select(d => (string?)d.Code);
        var sites = db.Set<Site>().WithinScope(district).Select(s => (long?)s.Id);
        return entries.Where(e => (e.PreferredDistrictCode == null && e.PreferredSiteId == null)
            || districts.Contains(e.PreferredDistrictCode) || sites.Contains(e.PreferredSiteId));
    }

    /// <summary>The campaigns a scope sees: all for the city, the district's own for a district, none otherwise.</summary>
    private static IQueryable<WaitlistCampaign> Visible(DbContext db, StaffScope scope) =>
        db.Set<WaitlistCampaign>().AsNoTracking().WithinScope(scope);

    private static async Task<IReadOnlyList<CampaignDto>> CampaignsAsync(DbContext db, List<WaitlistCampaign> campaigns, CancellationToken ct)
    {
        var ids = campaigns.Select(c => c.Id).ToList();
        var candidates = await db.Set<WaitlistEvent>().Where(e => e.CampaignId != null && ids.Contains(e.CampaignId.Value) && e.Kind == WaitlistEventKinds.Candidate)
            .GroupBy(e => e.CampaignId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var offers = await db.Set<WaitlistOffer>().Where(o => ids.Contains(o.CampaignId)).GroupBy(o => o.CampaignId)
            .Select(g => new { g.Key, Count = g.Count(), Accepted = g.Count(o => o.Status == OfferStatus.Accepted) })
            .ToDictionaryAsync(x => x.Key, ct);
        return campaigns.Select(c => new CampaignDto(c.Id, c.ProductId, c.Name, c.Method, c.Places, c.OfferHours, c.Seed, c.DrawnAt, c.ResultHash,
            candidates.GetValueOrDefault(c.Id), offers.TryGetValue(c.Id, out var o) ? o.Count : 0, o?.Accepted ?? 0, c.DistrictCode)).ToList();
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
