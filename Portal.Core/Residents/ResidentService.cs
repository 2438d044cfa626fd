using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Common.Privacy;
using Portal.Core.Residents.IdDocuments;
using Portal.Core.Areas;
using Portal.Core.Residents.Links;

namespace Portal.Core.Residents;

public sealed record RegisterMemberRequest(
    [property: TextInput(Resident.NameLength, TextKind.PersonName)] string? Name,
    IdDocumentKind? IdKind,
    [property: TextInput(IdDocumentValidator.MaxInputLength, TextKind.Code)] string? IdNumber,
    Relationship? Relationship,
    [property: TextInput(PhoneNumbers.MaxInputLength)] string? Phone,
    DateOnly? BirthDate, Sex? Sex,
    [property: TextInput(District.CodeLength, TextKind.Code)] string? DistrictCode,
    [property: TextInput(Street.CodeLength, TextKind.Code)] string? StreetCode);

public sealed record MemberDto(long ResidentId, string Name, IdDocumentKind IdKind, string IdNumberMasked, Sex Sex,
    DateOnly BirthDate, Relationship Relationship, bool IsGuardian);

/// <summary>Residents an app account acts for: the holder and family members (proxy booking).</summary>
public sealed class ResidentService(IDbContextFactory<DbContext> contexts, IPersonalDataProtector protector, ResidentLinkService linking, TimeProvider clock)
{
    public async Task<IReadOnlyList<MemberDto>> ListMembersAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<FamilyMember>().Where(m => m.AccountId == accountId).OrderBy(m => m.Relationship).ThenBy(m => m.Id)
            .Select(m => new MemberDto(m.ResidentId, m.Resident!.Name, m.Resident.IdKind, m.Resident.IdNumberMasked, m.Resident.Sex,
                m.Resident.BirthDate, m.Relationship, m.IsGuardian))
            .ToListAsync(ct);
    }

    /// <summary>Validates the document (GB 11643 for ID cards) and adds the person to the account. A person the system does
    /// not know yet gets a record and is linked at once; a person who has a record is linked only on a proof that they
    /// (or their guardian) agree, otherwise a link request is filed (docs/decisions/0007-who-may-act-for-whom.md).</summary>
    public async Task<AttachOutcome> RegisterMemberAsync(long accountId, RegisterMemberRequest request, string? ip = null, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 50)
            errors.Add(new("name", new("请输入姓名（不超过50个字）", "Enter the name (at most 50 characters)")));
        if (request.Relationship is { } r && !Enum.IsDefined(r))
            errors.Add(new("relationship", new("与本人关系无效", "The relationship is not valid")));
        if (request.IdKind is not { } kind || !Enum.IsDefined(kind))
        {
            errors.Add(new("idKind", new("请选择证件类型", "Choose the ID document type")));
            throw new DomainValidationException(errors);
        }
        var today = ChinaTime.Today(clock);
        var id = IdDocumentValidator.Validate(kind, request.IdNumber, today);
        if (!id.IsValid) errors.Add(new("idNumber", id.Error!));
        var birth = id.BirthDate ?? request.BirthDate;
        var sex = id.Sex != Sex.Unknown ? id.Sex : request.Sex ?? Sex.Unknown;
        if (birth is null) errors.Add(new("birthDate", new("请填写出生日期", "Enter the date of birth")));
        else if (birth > today) errors.Add(new("birthDate", new("出生日期不能晚于今天", "The date of birth cannot be in the future")));
        if (sex == Sex.Unknown) errors.Add(new("sex", new("请选择性别", "Choose the sex")));
        string? phone = null;
        if (!string.IsNullOrWhiteSpace(request.Phone))
        {
            if (PhoneNumbers.TryNormalize(request.Phone, out var normalized, out var phoneError)) phone = normalized;
            else errors.Add(new("phone", phoneError!));
        }
        if (errors.Count > 0) throw new DomainValidationException(errors);

        var relationship = request.Relationship ?? Relationship.Self;
        var hash = protector.LookupHash(id.Normalized);
        var now = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var account = await db.Set<ResidentAccount>().AsNoTracking().FirstOrDefaultAsync(a => a.Id == accountId, ct)
            ?? throw ResidentsErrors.BadToken.Exception();
        var links = db.Set<FamilyMember>();
        var resident = await db.Set<Resident>().AsNoTracking().FirstOrDefaultAsync(x => x.IdKind == kind && x.IdNumberHash == hash, ct);
        if (resident is not null && await links.AsNoTracking().FirstOrDefaultAsync(m => m.AccountId == accountId && m.ResidentId == resident.Id, ct) is { } existing)
            return AttachOutcome.AlreadyLinked(ToMember(resident, existing));

        // Everything below adds a person to the account. These checks depend on the account alone, so they answer alike
        // for every ID number.
        if (relationship == Relationship.Self && await links.AnyAsync(m => m.AccountId == accountId && m.Relationship == Relationship.Self, ct))
            throw new DomainValidationException("relationship", LinkProblems.SelfTaken);
        await ResidentLinkService.EnsureMayAttachAsync(db, accountId, now, ct);
        if (resident is not null)
            return await linking.AttachExistingAsync(db, account, resident, relationship, string.Equals(resident.Name, name, StringComparison.Ordinal), ip, now, ct);

        resident = new Resident
        {
            Name = name!, IdKind = kind, IdNumberCipher = protector.Protect(id.Normalized), IdNumberHash = hash,
            IdNumberMasked = Masking.MaskIdNumber(id.Normalized), Sex = sex, BirthDate = birth!.Value,
            PhoneCipher = phone is null ? null : protector.Protect(phone), PhoneHash = phone is null ? null : protector.LookupHash(phone),
            PhoneMasked = phone is null ? null : Masking.MaskPhone(phone), Residency = ResidencyKind.Permanent,
            DistrictCode = request.DistrictCode, StreetCode = request.StreetCode,
        };
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            db.Add(resident);
            await db.SaveChangesAsync(ct);
            var link = await linking.AddNewRecordLinkAsync(db, account, resident, relationship, ip, now, ct);
            await tx.CommitAsync(ct);
            return AttachOutcome.Linked(ToMember(resident, link));
        }
        catch (DbUpdateException)
        {
            // Another account registered the same person a moment earlier: theirs is the new record, this is an attach.
            db.ChangeTracker.Clear();
            var theirs = await db.Set<Resident>().AsNoTracking().FirstOrDefaultAsync(x => x.IdKind == kind && x.IdNumberHash == hash, ct);
            if (theirs is null) throw;
            return await linking.AttachExistingAsync(db, account, theirs, relationship, string.Equals(theirs.Name, name, StringComparison.Ordinal), ip, now, ct);
        }
    }

    internal static MemberDto ToMember(Resident resident, FamilyMember link) =>
        new(resident.Id, resident.Name, resident.IdKind, resident.IdNumberMasked, resident.Sex, resident.BirthDate, link.Relationship, link.IsGuardian);

    /// <summary>Throws NotFound unless the account may act for the resident (never reveals whether the resident exists).
    /// A <see cref="FamilyMember"/> link is the only thing that grants access; booking for someone grants none.</summary>
    public static async Task EnsureMemberAsync(DbContext db, long accountId, long residentId, CancellationToken ct)
    {
        if (!await db.Set<FamilyMember>().AnyAsync(m => m.AccountId == accountId && m.ResidentId == residentId, ct))
            throw NotAMember();
    }

    public static DomainProblemException NotAMember() =>
        ResidentsErrors.ResidentNotFound.Exception();
}
