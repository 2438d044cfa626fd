using Microsoft.EntityFrameworkCore;
using Portal.Core.Common.Privacy;
using Portal.Core.Injections;
using Portal.Core.Residents;

namespace Portal.Core.Certificates;

/// <summary>The signed content of an electronic vaccination certificate. Property order is the
/// canonical order of the JSON that is signed; personal data is masked.</summary>
public sealed record CertificateContent(
    int Version, string Issuer, string Name, string IdKind, string IdNumber, DateOnly BirthDate,
    IReadOnlyList<CertificateDose> Doses, DateTimeOffset IssuedAt);

public sealed record CertificateDose(string ProductCode, string ProductName, string Brand, DateOnly Date, int Dose, string Batch, string Site);

/// <summary>A certificate as the API hands it out: the token to show as a QR code, and its content.</summary>
public sealed record CertificateDto(string Payload, CertificateContent Content);

/// <summary>电子接种证: issues a signed certificate for a resident on the caller's account.</summary>
public sealed class CertificateService(IDbContextFactory<DbContext> contexts, CertificateSigner signer, TimeProvider clock)
{
    public const string Issuer = "BlazorVax / 上海市疾病预防控制中心";

    public async Task<CertificateDto> IssueAsync(long accountId, long residentId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await ResidentService.EnsureMemberAsync(db, accountId, residentId, ct);
        var resident = await db.Set<Resident>().AsNoTracking().FirstAsync(r => r.Id == residentId, ct);
        var records = await RecordsService.QueryAsync(db, residentId, ct);
        var now = clock.GetUtcNow();
        var content = new CertificateContent(
            1, Issuer, Masking.MaskName(resident.Name), resident.IdKind.ToString(), resident.IdNumberMasked, resident.BirthDate,
            records.Select(r => new CertificateDose(r.ProductCode, r.ProductName, r.Brand, r.Date, r.DoseNumber, r.BatchNumber, r.SiteName)).ToList(),
            // Whole seconds: the JSON round-trips exactly.
            DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()));
        return new CertificateDto(signer.Sign(content), content);
    }
}
