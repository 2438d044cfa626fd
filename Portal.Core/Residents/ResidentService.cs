using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Common.Privacy;
using Portal.Core.Residents.IdDocuments;
using Portal.Core.Areas;

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
public sealed class ResidentService(IDbContextFactory<DbContext> contexts, IPersonalDataProtector protector, TimeProvider clock)
{
    public async Task<IReadOnlyList<MemberDto>> ListMembersAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<FamilyMember>().Where(m => m.AccountId == accountId).OrderBy(m => m.Relationship).ThenBy(m => m.Id)
            .Select(m => new MemberDto(m.ResidentId, m.Resident!.Name, m.Resident.IdKind, m.Resident.IdNumberMasked, m.Resident.Sex,
                m.Resident.BirthDate, m.Relationship, m.IsGuardian))
            .ToListAsync(ct);
    }

    /// <summary>Validates the document (GB 11643 for ID cards) and links the person to the account,
    /// reusing the resident record when the same document is already known.</summary>
    public async Task<MemberDto> RegisterMemberAsync(long accountId, RegisterMemberRequest request, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 50)
            errors.Add(new("name", new("请输入姓名（不超过50个字）", "Enter the name (at most 50 characters)")));
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
        await using var db = await contexts.CreateDbContextAsync(ct);
        var resident = await db.Set<Resident>().FirstOrDefaultAsync(r => r.IdKind == kind && r.IdNumberHash == hash, ct);
        if (resident is not null && !string.Equals(resident.Name, name, StringComparison.Ordinal))
            throw new DomainValidationException("name", new("姓名与证件号码登记的信息不一致", "The name does not match the one registered for this ID number"));
        if (resident is null)
        {
            resident = new Resident
            {
                Name = name!, IdKind = kind, IdNumberCipher = protector.Protect(id.Normalized), IdNumberHash = hash,
                IdNumberMasked = Masking.MaskIdNumber(id.Normalized), Sex = sex, BirthDate = birth!.Value,
                PhoneCipher = phone is null ? null : protector.Protect(phone), PhoneHash = phone is null ? null : protector.LookupHash(phone),
                PhoneMasked = phone is null ? null : Masking.MaskPhone(phone), Residency = ResidencyKind.Permanent,
                DistrictCode = request.DistrictCode, StreetCode = request.StreetCode,
            };
            db.Add(resident);
            await db.SaveChangesAsync(ct);
        }
        var links = db.Set<FamilyMember>();
        if (relationship == Relationship.Self && await links.AnyAsync(m => m.AccountId == accountId && m.Relationship == Relationship.Self && m.ResidentId != resident.Id, ct))
            throw new DomainValidationException("relationship", new("本账号已登记本人信息", "This account already has its holder registered"));
        var link = await links.FirstOrDefaultAsync(m => m.AccountId == accountId && m.ResidentId == resident.Id, ct);
        if (link is null)
        {
            var isMinor = resident.BirthDate > today.AddYears(-18);
            link = new FamilyMember
            {
                AccountId = accountId, ResidentId = resident.Id, Relationship = relationship,
                IsGuardian = relationship == Relationship.Child && isMinor, AddedAt = clock.GetUtcNow(),
            };
            links.Add(link);
            await db.SaveChangesAsync(ct);
        }
        return new MemberDto(resident.Id, resident.Name, resident.IdKind, resident.IdNumberMasked, resident.Sex, resident.BirthDate, link.Relationship, link.IsGuardian);
    }

    /// <summary>Throws NotFound unless the account may act for the resident (never reveals whether the resident exists).</summary>
    public static async Task EnsureMemberAsync(DbContext db, long accountId, long residentId, CancellationToken ct)
    {
        if (!await db.Set<FamilyMember>().AnyAsync(m => m.AccountId == accountId && m.ResidentId == residentId, ct))
            throw NotAMember();
    }

    public static DomainProblemException NotAMember() =>
        new(ProblemKind.NotFound, "resident_not_found", new("未找到该家庭成员，请先添加", "No such family member on this account; add them first"));
}
