using Microsoft.EntityFrameworkCore;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Vaccines;

namespace Portal.Core.Injections;

/// <summary>One dose as the resident sees it in 接种记录.</summary>
public sealed record VaccinationRecordDto(
    long InjectionId, DateOnly Date, DateTimeOffset InjectedAt, long ProductId, string ProductCode, string ProductName, string ProductNameEn,
    string Brand, string BrandEn, string Maker, string MakerEn, int DoseNumber, string BatchNumber, long SiteId, string SiteName, string BodySite);

/// <summary>接种记录: the doses a resident on the caller's account has received, oldest first.</summary>
public sealed class RecordsService(IDbContextFactory<DbContext> contexts)
{
    /// <summary>Throws NotFound when the resident is not on the account (never reveals whether they exist).</summary>
    public async Task<IReadOnlyList<VaccinationRecordDto>> ListAsync(long accountId, long residentId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await ResidentService.EnsureMemberAsync(db, accountId, residentId, ct);
        return await QueryAsync(db, residentId, ct);
    }

    internal static async Task<IReadOnlyList<VaccinationRecordDto>> QueryAsync(DbContext db, long residentId, CancellationToken ct)
    {
        var rows = await (
            from i in db.Set<Injection>().AsNoTracking()
            where i.ResidentId == residentId
            join p in db.Set<VaccineProduct>() on i.ProductId equals p.Id
            join l in db.Set<VaccineLot>() on i.LotId equals l.Id
            join s in db.Set<Site>() on i.SiteId equals s.Id
            select new VaccinationRecordDto(i.Id, i.InjectedOn, i.InjectedAt, p.Id, p.Code, p.Name, p.NameEn, p.Brand, p.BrandEn, p.Maker, p.MakerEn,
                i.DoseNumber, l.BatchNumber, s.Id, s.Name, i.BodySite))
            .ToListAsync(ct);
        // Ordered in memory: SQLite cannot ORDER BY a DateTimeOffset column.
        return rows.OrderBy(r => r.InjectedAt).ThenBy(r => r.InjectionId).ToList();
    }
}
