using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;

namespace Portal.Core.Vaccines;

public sealed record TraceabilityDto(
    long LotId, string BatchNumber, string TraceabilityCode, string ProductCode, string ProductName, string ProductNameEn,
    string Brand, string BrandEn, string Maker, string MakerEn, DateOnly? ManufacturedOn, DateOnly ExpiryDate, bool IsExpired,
    string BatchReleaseCertificate);

/// <summary>疫苗追溯: a lot by its batch number (批号) or a pack's traceability code (药品追溯码, which starts
/// with the lot's code) → product, maker, expiry and batch release certificate (批签发).</summary>
public sealed class TraceabilityService(IDbContextFactory<DbContext> contexts, TimeProvider clock)
{
    public async Task<TraceabilityDto> LookupAsync(string? code, CancellationToken ct = default)
    {
        var value = code?.Trim() ?? "";
        if (value.Length is < 3 or > 64)
            throw new DomainValidationException("code", new("请输入批号或追溯码", "Enter a batch number or traceability code"));
        // Every prefix of the code, so a pack code finds its lot with one indexed IN query.
        var prefixes = Enumerable.Range(4, Math.Max(0, value.Length - 3)).Select(n => TextRules.Prefix(value, n)).Distinct().ToList();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var lot = await db.Set<VaccineLot>().AsNoTracking().Include(l => l.Product)
            .Where(l => l.BatchNumber == value || l.TraceabilityCode == value || (l.TraceabilityCode != "" && prefixes.Contains(l.TraceabilityCode)))
            .OrderByDescending(l => l.BatchNumber == value).ThenBy(l => l.Id)
            .FirstOrDefaultAsync(ct)
            ?? throw VaccinesErrors.LotNotFound.Exception();
        var p = lot.Product!;
        return new TraceabilityDto(lot.Id, lot.BatchNumber, lot.TraceabilityCode, p.Code, p.Name, p.NameEn, p.Brand, p.BrandEn, p.Maker, p.MakerEn,
            lot.ManufacturedOn, lot.ExpiryDate, lot.ExpiryDate < ChinaTime.Today(clock), lot.BatchReleaseCertificate);
    }
}
