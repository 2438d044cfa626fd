using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Common.Privacy;
using Portal.Core.Identity;
using Portal.Core.Residents;
using Portal.Core.Residents.IdDocuments;
using Portal.Core.Sites;

namespace Portal.Core.Archives;

public sealed record BindArchiveRequest(long? ResidentId,
    [property: TextInput(VaccinationArchive.ArchiveNumberLength, TextKind.Code)] string? ArchiveNumber,
    [property: TextInput(IdDocumentValidator.MaxInputLength, TextKind.Code)] string? IdNumber,
    [property: TextInput(Resident.NameLength, TextKind.PersonName)] string? Name,
    [property: TextInput(PhoneNumbers.MaxInputLength)] string? Phone);

public sealed record CreateArchiveRequest(long? ResidentId, ArchiveRequestKind? Kind, long? SiteId);

public sealed record ArchiveRequestDto(
    long Id, ArchiveRequestKind Kind, long ResidentId, string ResidentName, string IdNumberMasked, long? ArchiveId, string? ArchiveNumber,
    long? FromSiteId, string? FromSiteName, long ToSiteId, string ToSiteName, ArchiveRequestStatus Status, string? RejectReason,
    DateTimeOffset CreatedAt, DateTimeOffset? ReviewedAt);

/// <summary>档案绑定, 自助建档 and 迁档: residents ask, the receiving site (or its district or the city) reviews.</summary>
public sealed class ArchiveService(IDbContextFactory<DbContext> contexts, IPersonalDataProtector protector, TimeProvider clock)
{
    public const int MaxRejectReasonLength = 200;

    /// <summary>Links an existing archive to the account. Approved at once when ID number, name and phone all match
    /// the resident's record exactly (and the archive is theirs); otherwise the managing site reviews it.</summary>
    public async Task<ArchiveRequestDto> BindArchiveAsync(long accountId, BindArchiveRequest request, CancellationToken ct = default)
    {
        var residentId = request.ResidentId ?? throw Required("residentId", "请选择受种者", "Choose the resident");
        var archiveNumber = string.IsNullOrWhiteSpace(request.ArchiveNumber) ? null : request.ArchiveNumber.Trim();
        var hasIdentity = !string.IsNullOrWhiteSpace(request.IdNumber) && !string.IsNullOrWhiteSpace(request.Name) && !string.IsNullOrWhiteSpace(request.Phone);
        if (archiveNumber is null && !hasIdentity)
            throw new DomainValidationException("archiveNumber",
                new("请填写档案编号，或证件号码、姓名和手机号码", "Give the archive number, or the ID number, name and mobile number"));
        if (archiveNumber is { Length: > 32 })
            throw new DomainValidationException("archiveNumber", new("档案编号有误", "The archive number is not valid"));

        await using var db = await contexts.CreateDbContextAsync(ct);
        await ResidentService.EnsureMemberAsync(db, accountId, residentId, ct);
        var resident = await db.Set<Resident>().FirstAsync(r => r.Id == residentId, ct);
        var archive = archiveNumber is not null
            ? await db.Set<VaccinationArchive>().FirstOrDefaultAsync(a => a.ArchiveNumber == archiveNumber && a.Status == ArchiveStatus.Active, ct)
            : await db.Set<VaccinationArchive>().FirstOrDefaultAsync(a => a.ResidentId == residentId && a.Status == ArchiveStatus.Active, ct);
        if (archive is null)
            throw ArchivesErrors.ArchiveNotFound.Exception();
        if (await db.Set<ArchiveRequest>().AnyAsync(r => r.AccountId == accountId && r.Kind == ArchiveRequestKind.Bind && r.ArchiveId == archive.Id
                && (r.Status == ArchiveRequestStatus.Pending || r.Status == ArchiveRequestStatus.Approved), ct))
            throw ArchivesErrors.AlreadyRequested.Exception();

        var matches = hasIdentity && archive.ResidentId == residentId && IdentityMatches(resident, request);
        var now = clock.GetUtcNow();
        var entity = new ArchiveRequest
        {
            Kind = ArchiveRequestKind.Bind, AccountId = accountId, ResidentId = residentId, ArchiveId = archive.Id, ToSiteId = archive.ManagingSiteId,
            Status = matches ? ArchiveRequestStatus.Approved : ArchiveRequestStatus.Pending, ReviewedAt = matches ? now : null,
            ReviewedByUserId = matches ? "auto" : null,
        };
        db.Add(entity);
        await db.SaveChangesAsync(ct);
        return (await ProjectAsync(db, db.Set<ArchiveRequest>().Where(r => r.Id == entity.Id), ct))[0];
    }

    /// <summary>自助建档 (kind Create, at a chosen site) or 迁档 (kind Transfer, from the managing site to another).</summary>
    public async Task<ArchiveRequestDto> RequestAsync(long accountId, CreateArchiveRequest request, CancellationToken ct = default)
    {
        var residentId = request.ResidentId ?? throw Required("residentId", "请选择受种者", "Choose the resident");
        if (request.Kind is not (ArchiveRequestKind.Create or ArchiveRequestKind.Transfer))
            throw Required("kind", "申请类型须为建档（Create）或迁档（Transfer）", "Kind must be Create or Transfer");
        var siteId = request.SiteId ?? throw Required("siteId", "请选择接种点", "Choose the vaccination site");

        await using var db = await contexts.CreateDbContextAsync(ct);
        await ResidentService.EnsureMemberAsync(db, accountId, residentId, ct);
        if (!await db.Set<Site>().AnyAsync(s => s.Id == siteId && s.IsActive, ct))
            throw SitesErrors.SiteNotFound.Exception();
        if (await db.Set<ArchiveRequest>().AnyAsync(r => r.ResidentId == residentId && r.Kind == request.Kind && r.Status == ArchiveRequestStatus.Pending, ct))
            throw ArchivesErrors.AlreadyRequested.Exception();
        var archive = await db.Set<VaccinationArchive>().FirstOrDefaultAsync(a => a.ResidentId == residentId && a.Status == ArchiveStatus.Active, ct);
        var entity = new ArchiveRequest { Kind = request.Kind.Value, AccountId = accountId, ResidentId = residentId, ToSiteId = siteId, Status = ArchiveRequestStatus.Pending };
        if (request.Kind == ArchiveRequestKind.Create)
        {
            if (archive is not null)
                throw ArchivesErrors.ArchiveExists.Exception();
        }
        else
        {
            if (archive is null)
                throw ArchivesErrors.ArchiveNotFound.Exception();
            if (archive.ManagingSiteId == siteId)
                throw new DomainValidationException("siteId", new("档案已在该接种点管理", "The archive is already managed by this site"));
            entity.ArchiveId = archive.Id;
            entity.FromSiteId = archive.ManagingSiteId;
        }
        db.Add(entity);
        await db.SaveChangesAsync(ct);
        return (await ProjectAsync(db, db.Set<ArchiveRequest>().Where(r => r.Id == entity.Id), ct))[0];
    }

    public async Task<IReadOnlyList<ArchiveRequestDto>> ListForAccountAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        // Requests for people the account still acts for: a removed account no longer sees their archive numbers.
        return await ProjectAsync(db, db.Set<ArchiveRequest>().Where(r => r.AccountId == accountId
            && db.Set<FamilyMember>().Any(m => m.AccountId == accountId && m.ResidentId == r.ResidentId)), ct);
    }

    /// <summary>Requests the staff member may review: addressed to their site, a site of their district, or any (city).</summary>
    public async Task<IReadOnlyList<ArchiveRequestDto>> ListForReviewAsync(StaffScope scope, ArchiveRequestStatus? status, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await ProjectAsync(db, InScope(db, scope).Where(r => status == null || r.Status == status), ct);
    }

    /// <summary>Approves a pending request: creates the archive (Create), moves it (Transfer) or confirms the binding (Bind).</summary>
    public async Task<ArchiveRequestDto> ApproveAsync(StaffScope scope, long requestId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = await PendingInScopeAsync(db, scope, requestId, ct);
        switch (request.Kind)
        {
            case ArchiveRequestKind.Create:
                if (await db.Set<VaccinationArchive>().AnyAsync(a => a.ResidentId == request.ResidentId && a.Status == ArchiveStatus.Active, ct))
                    throw ArchivesErrors.ArchiveExists.Exception();
                var district = await db.Set<Site>().Where(s => s.Id == request.ToSiteId).Select(s => s.DistrictCode).FirstAsync(ct);
                var archive = new VaccinationArchive
                {
                    ResidentId = request.ResidentId, ManagingSiteId = request.ToSiteId, Status = ArchiveStatus.Active,
                    ArchiveNumber = await NewArchiveNumberAsync(db, district, ct),
                };
                db.Add(archive);
                await db.SaveChangesAsync(ct);
                request.ArchiveId = archive.Id;
                break;
            case ArchiveRequestKind.Transfer:
                var moved = await db.Set<VaccinationArchive>().FirstOrDefaultAsync(a => a.Id == request.ArchiveId && a.Status == ArchiveStatus.Active, ct)
                    ?? throw ArchivesErrors.ArchiveGone.Exception();
                moved.ManagingSiteId = request.ToSiteId;
                break;
        }
        request.Status = ArchiveRequestStatus.Approved;
        request.ReviewedAt = clock.GetUtcNow();
        request.ReviewedByUserId = scope.UserId;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (await ProjectAsync(db, db.Set<ArchiveRequest>().Where(r => r.Id == requestId), ct))[0];
    }

    public async Task<ArchiveRequestDto> RejectAsync(StaffScope scope, long requestId, string? reason, CancellationToken ct = default)
    {
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > MaxRejectReasonLength)
            throw new DomainValidationException("reason", new($"请填写驳回原因（不超过{MaxRejectReasonLength}字）", $"Give the reason (at most {MaxRejectReasonLength} characters)"));
        await using var db = await contexts.CreateDbContextAsync(ct);
        var request = await PendingInScopeAsync(db, scope, requestId, ct);
        request.Status = ArchiveRequestStatus.Rejected;
        request.RejectReason = reason;
        request.ReviewedAt = clock.GetUtcNow();
        request.ReviewedByUserId = scope.UserId;
        await db.SaveChangesAsync(ct);
        return (await ProjectAsync(db, db.Set<ArchiveRequest>().Where(r => r.Id == requestId), ct))[0];
    }

    private bool IdentityMatches(Resident resident, BindArchiveRequest request)
    {
        var id = IdDocumentValidator.Validate(resident.IdKind, request.IdNumber, ChinaTime.Today(clock));
        if (!id.IsValid || protector.LookupHash(id.Normalized) != resident.IdNumberHash)
            return false;
        if (!string.Equals(resident.Name, request.Name!.Trim(), StringComparison.Ordinal))
            return false;
        return PhoneNumbers.TryNormalize(request.Phone, out var phone, out _) && resident.PhoneHash is not null
            && protector.LookupHash(phone) == resident.PhoneHash;
    }

    /// <summary>Requests addressed to a site within the caller's data scope.</summary>
    private static IQueryable<ArchiveRequest> InScope(DbContext db, StaffScope scope) =>
        db.Set<ArchiveRequest>().AtSitesWithinScope(scope, db, r => r.ToSiteId);

    private static async Task<ArchiveRequest> PendingInScopeAsync(DbContext db, StaffScope scope, long requestId, CancellationToken ct)
    {
        var request = await InScope(db, scope).FirstOrDefaultAsync(r => r.Id == requestId, ct)
            ?? throw ArchivesErrors.RequestNotFound.Exception();
        if (request.Status != ArchiveRequestStatus.Pending)
            throw ArchivesErrors.RequestReviewed.Exception();
        return request;
    }

    /// <summary>District code of the managing site + 10 random digits; the unique index settles the rare collision.</summary>
    private static async Task<string> NewArchiveNumberAsync(DbContext db, string districtCode, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var digits = RandomNumberGenerator.GetInt32(0, 100_000) * 100_000L + RandomNumberGenerator.GetInt32(0, 100_000);
            var number = districtCode + digits.ToString("D10", System.Globalization.CultureInfo.InvariantCulture);
            if (!await db.Set<VaccinationArchive>().AnyAsync(a => a.ArchiveNumber == number, ct) || attempt > 5)
                return number;
        }
    }

    private static async Task<IReadOnlyList<ArchiveRequestDto>> ProjectAsync(DbContext db, IQueryable<ArchiveRequest> query, CancellationToken ct)
    {
        var rows = await (
            from r in query
            join res in db.Set<Resident>() on r.ResidentId equals res.Id
            join to in db.Set<Site>() on r.ToSiteId equals to.Id
            select new
            {
                r, res.Name, res.IdNumberMasked, ToName = to.Name,
                FromName = db.Set<Site>().Where(s => s.Id == r.FromSiteId).Select(s => s.Name).FirstOrDefault(),
                Number = db.Set<VaccinationArchive>().Where(a => a.Id == r.ArchiveId).Select(a => a.ArchiveNumber).FirstOrDefault(),
            }).AsNoTracking().ToListAsync(ct);
        return rows.OrderByDescending(x => x.r.Id).Select(x => new ArchiveRequestDto(
            x.r.Id, x.r.Kind, x.r.ResidentId, Masking.MaskName(x.Name), x.IdNumberMasked, x.r.ArchiveId, x.Number, x.r.FromSiteId, x.FromName,
            x.r.ToSiteId, x.ToName, x.r.Status, x.r.RejectReason, x.r.CreatedAt, x.r.ReviewedAt)).ToList();
    }

    private static DomainValidationException Required(string field, string zh, string en) => new(field, new Bilingual(zh, en));
}
