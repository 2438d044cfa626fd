using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Archives;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Common.Privacy;

namespace Portal.Core.Residents.Links;

/// <summary>Links between resident accounts and people who already have a record: the proofs that link at once, requests
/// confirmed by a one-time code or by the person's own account, and the person's view and removal of the accounts linked
/// to them. The rules and what each answer may reveal are in docs/decisions/0007-who-may-act-for-whom.md.</summary>
public sealed class ResidentLinkService(IDbContextFactory<DbContext> contexts, IPersonalDataProtector protector, LinkCodeCourier courier, TimeProvider clock)
{
    public static readonly TimeSpan RequestLifetime = TimeSpan.FromHours(24);
    public const int CodeMinutes = 10;
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(CodeMinutes);
    public static readonly TimeSpan ResendInterval = TimeSpan.FromMinutes(1);
    /// <summary>Wrong tries per code; a new code (resend) starts again, and the daily code limits bound the total.</summary>
    public const int MaxAttempts = 5;
    public const int MaxPendingPerAccount = 3;
    /// <summary>People an account may add in 24 hours: new records, links on its own proof, and requests.</summary>
    public const int MaxAttachesPerAccountPerDay = 10;
    public const int MaxCodesPerAccountAndPersonPerDay = 3;
    /// <summary>Codes due for one person in 24 hours, whoever asked and whether or not the name matched (counting only
    /// matched ones would let a requester learn the name from when the limit strikes).</summary>
    public const int MaxCodesPerPersonPerDay = 10;

    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private static readonly IReadOnlyList<LinkProof> ConfirmWays = [LinkProof.SmsCode, LinkProof.Approval];
    // Compared against when a request holds no code, so that a request that can never be confirmed is checked like any other.
    private static readonly string NoCode = new('-', ResidentLinkRequest.CodeHashLength);

    /// <summary>The keyed hash a request stores of its one-time code (the code itself is never stored).</summary>
    public static string HashCode(IPersonalDataProtector protector, long requestId, string code) =>
        protector.LookupHash(string.Create(CultureInfo.InvariantCulture, $"link:{requestId}:{code}"));

    /// <summary>Counts against <see cref="MaxAttachesPerAccountPerDay"/>; called before the record is even looked up, so the
    /// limit answers alike for every ID number.</summary>
    internal static async Task EnsureMayAttachAsync(DbContext db, long accountId, DateTimeOffset now, CancellationToken ct)
    {
        var since = now - Day;
        // Links that came from a request are counted by their request.
        var linked = await db.Set<FamilyMember>().Where(m => m.AccountId == accountId && m.AddedAt > since
                && (m.LinkedVia == LinkProof.NewRecord || m.LinkedVia == LinkProof.OwnPhone || m.LinkedVia == LinkProof.ArchiveGuardian))
            .Select(m => m.AddedAt).ToListAsync(ct);
        var requested = await db.Set<ResidentLinkRequest>().Where(r => r.AccountId == accountId && r.CreatedAt > since).Select(r => r.CreatedAt).ToListAsync(ct);
        var times = linked.Concat(requested).Order().ToList();
        if (times.Count >= MaxAttachesPerAccountPerDay)
            throw LinkProblems.DailyLimit(MaxAttachesPerAccountPerDay, times[^MaxAttachesPerAccountPerDay] + Day - now);
    }

    /// <summary>Links the account to the record it has just created (proof <see cref="LinkProof.NewRecord"/>).</summary>
    internal Task<FamilyMember> AddNewRecordLinkAsync(DbContext db, ResidentAccount account, Resident resident, Relationship relationship, string? ip,
        DateTimeOffset now, CancellationToken ct) =>
        AddLinkAsync(db, account, resident, relationship, LinkProof.NewRecord, LinkRules.IsMinor(resident.BirthDate, ChinaTime.Today(clock)),
            requesterActs: true, "", ip, now, ct);

    /// <summary>Links the account to a person who already has a record when the account itself carries the proof (its
    /// verified phone is the record's, or the minor's archive names it as the guardian's phone); otherwise files a request
    /// that answers the same whether or not the name matched.</summary>
    internal async Task<AttachOutcome> AttachExistingAsync(DbContext db, ResidentAccount account, Resident resident, Relationship relationship,
        bool nameMatches, string? ip, DateTimeOffset now, CancellationToken ct)
    {
        var minor = LinkRules.IsMinor(resident.BirthDate, ChinaTime.Today(clock));
        // Asked whatever the name, so that a matching name takes no longer to answer.
        var archiveGuardian = minor && await db.Set<VaccinationArchive>().AnyAsync(a => a.ResidentId == resident.Id
            && a.Status == ArchiveStatus.Active && a.GuardianPhoneHash == account.PhoneHash, ct);
        LinkProof? proof = !nameMatches ? null
            : resident.PhoneHash is not null && resident.PhoneHash == account.PhoneHash ? LinkProof.OwnPhone
            : archiveGuardian ? LinkProof.ArchiveGuardian
            : null;
        if (proof is { } own)
        {
            try
            {
                await using var linkTx = await db.Database.BeginTransactionAsync(ct);
                var link = await AddLinkAsync(db, account, resident, relationship, own, minor, requesterActs: true, "", ip, now, ct);
                await linkTx.CommitAsync(ct);
                return AttachOutcome.Linked(ResidentService.ToMember(resident, link));
            }
            catch (DbUpdateException)
            {
                // The same account attached the same person a moment earlier (two taps, two devices): on a server
                // database both saw no link and the unique (account, person) index refused the second. Theirs stands.
                db.ChangeTracker.Clear();
                var winner = await db.Set<FamilyMember>().AsNoTracking()
                    .FirstOrDefaultAsync(m => m.AccountId == account.Id && m.ResidentId == resident.Id, ct);
                if (winner is null) throw;
                return AttachOutcome.Linked(ResidentService.ToMember(resident, winner));
            }
        }

        await EnsureMayRequestAsync(db, account.Id, now, ct);
        await EnsureCodeAllowedAsync(db, account.Id, resident.Id, now, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var request = new ResidentLinkRequest
        {
            AccountId = account.Id, ResidentId = resident.Id, Relationship = relationship, IdentityMatched = nameMatches,
            Status = LinkRequestStatus.Pending, ExpiresAt = now + RequestLifetime,
        };
        db.Add(request);
        await db.SaveChangesAsync(ct);
        db.Add(AuditFor(account, AuditActions.ResidentLinkRequested, resident.Id,
            $"link request {request.Id} as {relationship}; the name {(nameMatches ? "matches" : "does not match")} the record", ip, now));
        var code = PrepareCode(account, resident, request, ip, now);
        request.CodeHash = code.Hash;
        request.CodeSentAt = now;
        db.Add(code.Audit);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (code.Message is { } message) courier.Post(message);
        return AttachOutcome.Requested(ToDto(request, resident.IdKind, resident.IdNumberMasked, now));
    }

    /// <summary>The account's own link requests, newest first.</summary>
    public async Task<IReadOnlyList<LinkRequestDto>> ListMineAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var rows = await (from r in db.Set<ResidentLinkRequest>().AsNoTracking()
                          where r.AccountId == accountId
                          join p in db.Set<Resident>() on r.ResidentId equals p.Id
                          orderby r.Id descending
                          select new { Request = r, p.IdKind, p.IdNumberMasked }).Take(50).ToListAsync(ct);
        return rows.Select(x => ToDto(x.Request, x.IdKind, x.IdNumberMasked, now)).ToList();
    }

    /// <summary>Confirms the account's request with the code sent to the phone on the person's record, and links them.
    /// A request that cannot be confirmed (the name did not match, the record has no phone, the person rejected it)
    /// answers exactly as a wrong code does.</summary>
    public async Task<MemberDto> ConfirmAsync(long accountId, long requestId, string? code, string? ip, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(code) || code.Length != 6 || !code.All(char.IsAsciiDigit))
            throw new DomainValidationException("code", LinkProblems.CodeFormat);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var requests = db.Set<ResidentLinkRequest>();
        var request = await requests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId && r.AccountId == accountId, ct)
            ?? throw LinkProblems.RequestNotFound();
        if (!IsOpen(request, now)) throw LinkProblems.RequestClosed();
        if (request.CodeSentAt is not { } sent || sent + CodeLifetime <= now)
            throw new DomainValidationException("code", LinkProblems.CodeExpired);
        if (request.FailedAttempts >= MaxAttempts)
            throw new DomainValidationException("code", LinkProblems.CodeTooManyTries);

        var account = await AccountAsync(db, accountId, ct);
        var matches = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(request.CodeHash ?? NoCode),
            Encoding.ASCII.GetBytes(HashCode(protector, request.Id, code)));
        if (!matches || request.CodeHash is null || !request.IdentityMatched || request.Status != LinkRequestStatus.Pending)
        {
            var counted = await requests.Where(r => r.Id == request.Id && r.FailedAttempts < MaxAttempts)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.FailedAttempts, r => r.FailedAttempts + 1).SetProperty(r => r.UpdatedAt, now), ct);
            if (counted == 1 && request.FailedAttempts + 1 == MaxAttempts)
            {
                db.Add(AuditFor(account, AuditActions.ResidentLinkLockedOut, request.ResidentId,
                    $"link request {request.Id}: {MaxAttempts} wrong codes, the code no longer works", ip, now));
                await db.SaveChangesAsync(ct);
            }
            throw new DomainValidationException("code", LinkProblems.CodeWrong);
        }

        var resident = await db.Set<Resident>().AsNoTracking().FirstAsync(r => r.Id == request.ResidentId, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Exactly once, even when the same code arrives twice at the same moment.
        var confirmed = await requests.Where(r => r.Id == request.Id && r.Status == LinkRequestStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, LinkRequestStatus.Confirmed).SetProperty(r => r.ConfirmedVia, LinkProof.SmsCode)
                .SetProperty(r => r.DecidedAt, now).SetProperty(r => r.CodeHash, (string?)null).SetProperty(r => r.UpdatedAt, now), ct);
        if (confirmed == 0) throw LinkProblems.RequestClosed();
        var link = await AddLinkAsync(db, account, resident, request.Relationship, LinkProof.SmsCode, LinkRules.IsMinor(resident.BirthDate, ChinaTime.Today(clock)),
            requesterActs: true, $"; link request {request.Id} confirmed with the code sent to {resident.PhoneMasked}", ip, now, ct);
        await tx.CommitAsync(ct);
        return ResidentService.ToMember(resident, link);
    }

    /// <summary>Issues a new code for an open request (at most one a minute, within the daily limits). It answers the same
    /// whether or not a code is actually sent.</summary>
    public async Task<LinkRequestDto> ResendCodeAsync(long accountId, long requestId, string? ip, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var requests = db.Set<ResidentLinkRequest>();
        var request = await requests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId && r.AccountId == accountId, ct)
            ?? throw LinkProblems.RequestNotFound();
        if (!IsOpen(request, now)) throw LinkProblems.RequestClosed();
        var last = request.CodeSentAt;
        if (last is { } sent && now - sent < ResendInterval) throw LinkProblems.CodeTooFrequent(ResendInterval - (now - sent));
        await EnsureCodeAllowedAsync(db, accountId, request.ResidentId, now, ct);
        var resident = await db.Set<Resident>().AsNoTracking().FirstAsync(r => r.Id == request.ResidentId, ct);
        var account = await AccountAsync(db, accountId, ct);
        var code = PrepareCode(account, resident, request, ip, now);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Claimed on the time of the last code: of two resends at the same moment only one issues a code.
        var claimed = await requests.Where(r => r.Id == request.Id && r.CodeSentAt == last)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.CodeHash, code.Hash).SetProperty(r => r.CodeSentAt, now)
                .SetProperty(r => r.FailedAttempts, 0).SetProperty(r => r.UpdatedAt, now), ct);
        if (claimed == 0) throw LinkProblems.CodeTooFrequent(ResendInterval);
        db.Add(code.Audit);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (code.Message is { } message) courier.Post(message);
        return ToDto(request, resident.IdKind, resident.IdNumberMasked, now);
    }

    /// <summary>Withdraws one of the account's open requests.</summary>
    public async Task WithdrawAsync(long accountId, long requestId, string? ip, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var requests = db.Set<ResidentLinkRequest>();
        var request = await requests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId && r.AccountId == accountId, ct)
            ?? throw LinkProblems.RequestNotFound();
        if (!IsOpen(request, now)) throw LinkProblems.RequestClosed();
        var account = await AccountAsync(db, accountId, ct);
        // A rejected request is withdrawn too (its requester never learns of the rejection; the audit keeps it).
        var changed = await requests.Where(r => r.Id == request.Id && (r.Status == LinkRequestStatus.Pending || r.Status == LinkRequestStatus.Rejected))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, LinkRequestStatus.Withdrawn).SetProperty(r => r.CodeHash, (string?)null)
                .SetProperty(r => r.UpdatedAt, now), ct);
        if (changed == 0) throw LinkProblems.RequestClosed();
        db.Add(AuditFor(account, AuditActions.ResidentLinkWithdrawn, request.ResidentId, $"link request {request.Id} withdrawn by its requester", ip, now));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Open requests to act for the people this account manages (its own person, or a minor it is the guardian
    /// of). Requests whose name did not match the record are never shown: they are not the person's to answer.</summary>
    public async Task<IReadOnlyList<IncomingLinkRequestDto>> ListIncomingAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var today = ChinaTime.Today(clock);
        var managed = (await (from m in db.Set<FamilyMember>().AsNoTracking()
                              where m.AccountId == accountId && (m.Relationship == Relationship.Self || m.IsGuardian)
                              join p in db.Set<Resident>() on m.ResidentId equals p.Id
                              select new { m.ResidentId, m.Relationship, m.IsGuardian, p.BirthDate, p.Name }).ToListAsync(ct))
            .Where(x => LinkRules.Manages(x.Relationship, x.IsGuardian, LinkRules.IsMinor(x.BirthDate, today)))
            .ToDictionary(x => x.ResidentId, x => x.Name);
        if (managed.Count == 0) return [];
        var ids = managed.Keys.ToList();
        var rows = await (from r in db.Set<ResidentLinkRequest>().AsNoTracking()
                          where ids.Contains(r.ResidentId) && r.IdentityMatched && r.Status == LinkRequestStatus.Pending && r.ExpiresAt > now
                                && r.AccountId != accountId
                          join a in db.Set<ResidentAccount>() on r.AccountId equals a.Id
                          orderby r.Id descending
                          select new IncomingLinkRequestDto(r.Id, r.ResidentId, "", a.PhoneMasked, r.Relationship, r.CreatedAt, r.ExpiresAt)).ToListAsync(ct);
        return rows.Select(r => r with { ResidentName = managed[r.ResidentId] }).ToList();
    }

    /// <summary>The person (or a minor's guardian) approves a request: the requester is linked with proof Approval.</summary>
    public async Task<LinkedAccountDto> ApproveAsync(long accountId, long requestId, string? ip, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var (request, mine, person, minor) = await IncomingAsync(db, accountId, requestId, now, ct);
        var approver = await AccountAsync(db, accountId, ct);
        var requester = await AccountAsync(db, request.AccountId, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var decided = await db.Set<ResidentLinkRequest>().Where(r => r.Id == request.Id && r.Status == LinkRequestStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, LinkRequestStatus.Confirmed).SetProperty(r => r.ConfirmedVia, LinkProof.Approval)
                .SetProperty(r => r.DecidedAt, now).SetProperty(r => r.DecidedByAccountId, accountId).SetProperty(r => r.CodeHash, (string?)null)
                .SetProperty(r => r.UpdatedAt, now), ct);
        if (decided == 0) throw LinkProblems.RequestClosed();
        db.Add(AuditFor(approver, AuditActions.ResidentLinkApproved, person.Id,
            $"link request {request.Id} of account {requester.Id} ({requester.PhoneMasked}) as {request.Relationship} approved", ip, now));
        var link = await AddLinkAsync(db, requester, person, request.Relationship, LinkProof.Approval, minor, requesterActs: false,
            $"; link request {request.Id} approved by account {approver.Id} ({approver.PhoneMasked})", ip, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new LinkedAccountDto(requester.Id, requester.PhoneMasked, link.Relationship, link.IsGuardian, link.AddedAt, link.LinkedVia, false,
            LinkRules.MayRemove(mine, link, minor));
    }

    /// <summary>The person (or a minor's guardian) rejects a request. The requester is not told: to them the request stays
    /// Pending until it expires, and its code no longer works.</summary>
    public async Task RejectAsync(long accountId, long requestId, string? ip, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var (request, _, person, _) = await IncomingAsync(db, accountId, requestId, now, ct);
        var decider = await AccountAsync(db, accountId, ct);
        var requesterPhone = await db.Set<ResidentAccount>().Where(a => a.Id == request.AccountId).Select(a => a.PhoneMasked).FirstAsync(ct);
        var decided = await db.Set<ResidentLinkRequest>().Where(r => r.Id == request.Id && r.Status == LinkRequestStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, LinkRequestStatus.Rejected).SetProperty(r => r.DecidedAt, now)
                .SetProperty(r => r.DecidedByAccountId, accountId).SetProperty(r => r.CodeHash, (string?)null).SetProperty(r => r.UpdatedAt, now), ct);
        if (decided == 0) throw LinkProblems.RequestClosed();
        db.Add(AuditFor(decider, AuditActions.ResidentLinkRejected, person.Id,
            $"link request {request.Id} of account {request.AccountId} ({requesterPhone}) as {request.Relationship} rejected", ip, now));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The accounts that act for a person, for the person's own account or a minor's guardian.</summary>
    public async Task<IReadOnlyList<LinkedAccountDto>> ListLinkedAccountsAsync(long accountId, long residentId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var (mine, minor) = await ManagingLinkAsync(db, accountId, residentId, ct);
        var rows = await (from m in db.Set<FamilyMember>().AsNoTracking()
                          where m.ResidentId == residentId
                          join a in db.Set<ResidentAccount>() on m.AccountId equals a.Id
                          select new { Link = m, a.PhoneMasked }).ToListAsync(ct);
        return rows.OrderBy(x => x.Link.Relationship != Relationship.Self).ThenBy(x => x.Link.AddedAt).ThenBy(x => x.Link.Id)
            .Select(x => new LinkedAccountDto(x.Link.AccountId, x.PhoneMasked, x.Link.Relationship, x.Link.IsGuardian, x.Link.AddedAt, x.Link.LinkedVia,
                x.Link.AccountId == accountId, LinkRules.MayRemove(mine, x.Link, minor)))
            .ToList();
    }

    /// <summary>Removes another account's link to the person (<see cref="LinkRules.MayRemove"/>). The removed account
    /// loses every access at once: records, certificate, QR code, appointments and waitlist entries, even those it booked.</summary>
    public async Task RemoveLinkAsync(long accountId, long residentId, long otherAccountId, string? ip, CancellationToken ct = default)
    {
        if (otherAccountId == accountId) throw new DomainValidationException("accountId", LinkProblems.NotYourself);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var (mine, minor) = await ManagingLinkAsync(db, accountId, residentId, ct);
        var links = db.Set<FamilyMember>();
        var target = await links.AsNoTracking().FirstOrDefaultAsync(m => m.AccountId == otherAccountId && m.ResidentId == residentId, ct)
            ?? throw LinkProblems.LinkedAccountNotFound();
        if (!LinkRules.MayRemove(mine, target, minor)) throw LinkProblems.NotRemovable();
        var actor = await AccountAsync(db, accountId, ct);
        var otherPhone = await db.Set<ResidentAccount>().Where(a => a.Id == otherAccountId).Select(a => a.PhoneMasked).FirstAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await links.Where(m => m.Id == target.Id).ExecuteDeleteAsync(ct) == 0) throw LinkProblems.LinkedAccountNotFound();
        db.Add(AuditFor(actor, AuditActions.ResidentLinkRemoved, residentId,
            $"account {otherAccountId} ({otherPhone}) no longer acts for resident {residentId}; it was {Describe(target)}", ip, now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Removes the account's own link to a person.</summary>
    public async Task DetachAsync(long accountId, long residentId, string? ip, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var links = db.Set<FamilyMember>();
        var link = await links.AsNoTracking().FirstOrDefaultAsync(m => m.AccountId == accountId && m.ResidentId == residentId, ct)
            ?? throw ResidentService.NotAMember();
        var account = await AccountAsync(db, accountId, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await links.Where(m => m.Id == link.Id).ExecuteDeleteAsync(ct) == 0) throw ResidentService.NotAMember();
        db.Add(AuditFor(account, AuditActions.ResidentDetached, residentId, $"account {accountId} stopped acting for resident {residentId}; it was {Describe(link)}", ip, now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Adds the link (or returns the one the account already has) with its audit entry, and closes the account's
    /// other open requests for the person; saved in the caller's transaction.</summary>
    private static async Task<FamilyMember> AddLinkAsync(DbContext db, ResidentAccount account, Resident resident, Relationship relationship, LinkProof proof,
        bool minor, bool requesterActs, string how, string? ip, DateTimeOffset now, CancellationToken ct)
    {
        var links = db.Set<FamilyMember>();
        if (await links.AsNoTracking().FirstOrDefaultAsync(m => m.AccountId == account.Id && m.ResidentId == resident.Id, ct) is { } existing)
            return existing;
        if (relationship == Relationship.Self && await links.AnyAsync(m => m.AccountId == account.Id && m.Relationship == Relationship.Self, ct))
            throw requesterActs ? new DomainValidationException("relationship", LinkProblems.SelfTaken) : LinkProblems.RequesterHasHolder();
        var link = new FamilyMember
        {
            AccountId = account.Id, ResidentId = resident.Id, Relationship = relationship, IsGuardian = LinkRules.IsGuardianLink(relationship, proof, minor),
            AddedAt = now, LinkedVia = proof,
        };
        links.Add(link);
        db.Add(AuditFor(account, AuditActions.ResidentLinked, resident.Id, $"account {account.Id} acts for resident {resident.Id}; {Describe(link)}{how}", ip, now));
        await db.SaveChangesAsync(ct);
        // The link those requests asked for exists now (a rejected one too: its requester is never told of the rejection).
        await db.Set<ResidentLinkRequest>().Where(r => r.AccountId == account.Id && r.ResidentId == resident.Id
                && (r.Status == LinkRequestStatus.Pending || r.Status == LinkRequestStatus.Rejected))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, LinkRequestStatus.Confirmed).SetProperty(r => r.ConfirmedVia, proof)
                .SetProperty(r => r.CodeHash, (string?)null).SetProperty(r => r.UpdatedAt, now), ct);
        return link;
    }

    /// <summary>The code due for a request: drawn and hashed every time, sent only when the request can be confirmed
    /// with it (the name matched, the record has a phone, the person has not rejected it).</summary>
    private (string? Hash, LinkCodeMessage? Message, AuditEntry Audit) PrepareCode(ResidentAccount account, Resident resident, ResidentLinkRequest request,
        string? ip, DateTimeOffset now)
    {
        var withheld = request.Status != LinkRequestStatus.Pending ? "the person rejected the request"
            : !request.IdentityMatched ? "the name does not match the record"
            : resident.PhoneCipher is null ? "the record has no phone"
            : null;
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        var hash = HashCode(protector, request.Id, code);
        var audit = AuditFor(account, AuditActions.ResidentLinkCode, resident.Id, withheld is null
            ? $"code for link request {request.Id} sent to {resident.PhoneMasked}"
            : $"code for link request {request.Id} withheld: {withheld}", ip, now);
        if (withheld is not null) return (null, null, audit);
        var body = $"【上海疫苗接种】账号{account.PhoneMasked}申请代{Masking.MaskName(resident.Name)}办理预约、查看接种记录等事务，验证码{code}，{CodeMinutes}分钟内有效。"
            + "如同意，请将验证码告知该账号持有人；如不同意，请忽略本短信，切勿泄露验证码。";
        return (hash, new LinkCodeMessage(protector.Unprotect(resident.PhoneCipher!), body), audit);
    }

    private static async Task EnsureMayRequestAsync(DbContext db, long accountId, DateTimeOffset now, CancellationToken ct)
    {
        var open = await db.Set<ResidentLinkRequest>().Where(r => r.AccountId == accountId && r.ExpiresAt > now
                && (r.Status == LinkRequestStatus.Pending || r.Status == LinkRequestStatus.Rejected))
            .Select(r => r.ExpiresAt).ToListAsync(ct);
        if (open.Count >= MaxPendingPerAccount)
            throw LinkProblems.TooManyPending(MaxPendingPerAccount, open.Order().ElementAt(open.Count - MaxPendingPerAccount) - now);
    }

    /// <summary>The daily code limits, counted from the audit log (every code due is audited, sent or withheld, so there
    /// is no second counter to drift from it).</summary>
    private static async Task EnsureCodeAllowedAsync(DbContext db, long accountId, long residentId, DateTimeOffset now, CancellationToken ct)
    {
        var since = now - Day;
        var entity = residentId.ToString(CultureInfo.InvariantCulture);
        var user = AuditService.ResidentUserId(accountId);
        var due = await db.Set<AuditEntry>().Where(e => e.At > since && e.Action == AuditActions.ResidentLinkCode && e.EntityType == nameof(Resident)
                && e.EntityId == entity)
            .Select(e => new { e.At, e.UserId }).ToListAsync(ct);
        var mine = due.Where(e => e.UserId == user).Select(e => e.At).Order().ToList();
        if (mine.Count >= MaxCodesPerAccountAndPersonPerDay)
            throw LinkProblems.CodeDailyLimit(mine[^MaxCodesPerAccountAndPersonPerDay] + Day - now);
        var all = due.Select(e => e.At).Order().ToList();
        if (all.Count >= MaxCodesPerPersonPerDay)
            throw LinkProblems.CodeDailyLimit(all[^MaxCodesPerPersonPerDay] + Day - now);
    }

    private async Task<(ResidentLinkRequest Request, FamilyMember Mine, Resident Person, bool Minor)> IncomingAsync(DbContext db, long accountId,
        long requestId, DateTimeOffset now, CancellationToken ct)
    {
        var request = await db.Set<ResidentLinkRequest>().AsNoTracking()
            .FirstOrDefaultAsync(r => r.Id == requestId && r.IdentityMatched && r.AccountId != accountId, ct) ?? throw LinkProblems.RequestNotFound();
        var mine = await db.Set<FamilyMember>().AsNoTracking().FirstOrDefaultAsync(m => m.AccountId == accountId && m.ResidentId == request.ResidentId, ct);
        var person = await db.Set<Resident>().AsNoTracking().FirstAsync(r => r.Id == request.ResidentId, ct);
        var minor = LinkRules.IsMinor(person.BirthDate, ChinaTime.Today(clock));
        if (mine is null || !LinkRules.Manages(mine, minor)) throw LinkProblems.RequestNotFound();
        if (request.Status != LinkRequestStatus.Pending || request.ExpiresAt <= now) throw LinkProblems.RequestClosed();
        return (request, mine, person, minor);
    }

    /// <summary>The account's link to the person, which must let it manage the person's links: 404 without a link, 403 with
    /// one that does not (a member who is neither the person nor a minor's guardian).</summary>
    private async Task<(FamilyMember Mine, bool Minor)> ManagingLinkAsync(DbContext db, long accountId, long residentId, CancellationToken ct)
    {
        var mine = await db.Set<FamilyMember>().AsNoTracking().FirstOrDefaultAsync(m => m.AccountId == accountId && m.ResidentId == residentId, ct)
            ?? throw ResidentService.NotAMember();
        var birth = await db.Set<Resident>().Where(r => r.Id == residentId).Select(r => r.BirthDate).FirstAsync(ct);
        var minor = LinkRules.IsMinor(birth, ChinaTime.Today(clock));
        if (!LinkRules.Manages(mine, minor)) throw LinkProblems.NotManager();
        return (mine, minor);
    }

    private static async Task<ResidentAccount> AccountAsync(DbContext db, long accountId, CancellationToken ct) =>
        await db.Set<ResidentAccount>().AsNoTracking().FirstOrDefaultAsync(a => a.Id == accountId, ct)
        ?? throw ResidentsErrors.BadToken.Exception();

    /// <summary>Open as its requester sees it: a rejected request looks pending until it expires.</summary>
    private static bool IsOpen(ResidentLinkRequest r, DateTimeOffset now) =>
        r.Status is LinkRequestStatus.Pending or LinkRequestStatus.Rejected && r.ExpiresAt > now;

    private static LinkRequestDto ToDto(ResidentLinkRequest r, IdDocumentKind idKind, string idNumberMasked, DateTimeOffset now)
    {
        var status = r.Status switch
        {
            LinkRequestStatus.Confirmed or LinkRequestStatus.Withdrawn or LinkRequestStatus.Expired => r.Status,
            _ => IsOpen(r, now) ? LinkRequestStatus.Pending : LinkRequestStatus.Expired,
        };
        return new LinkRequestDto(r.Id, status, r.Relationship, idKind, idNumberMasked, r.CreatedAt, r.ExpiresAt,
            status == LinkRequestStatus.Pending ? ConfirmWays : [], Message(status));
    }

    private static Bilingual Message(LinkRequestStatus status) => status switch
    {
        LinkRequestStatus.Pending => new(
            $"如信息与登记一致，验证码已发送至该成员登记的手机（{CodeMinutes}分钟内有效）；也可由其本人账号（未成年人由监护人）在“关联申请”中同意。",
            $"If the details match the record, a code has been sent to the phone on it (valid {CodeMinutes} minutes); the person's own account (a minor's guardian) may also approve the request."),
        LinkRequestStatus.Confirmed => new("已确认，您可以代该成员办理", "Confirmed: you may now act for this person"),
        LinkRequestStatus.Withdrawn => new("已撤回", "Withdrawn"),
        _ => new("已过期，如仍需代办请重新申请", "Expired; file a new request if you still need to act for this person"),
    };

    private static string Describe(FamilyMember link) =>
        $"{link.Relationship}{(link.IsGuardian ? " (guardian)" : "")} via {link.LinkedVia}";

    private static AuditEntry AuditFor(ResidentAccount account, string action, long residentId, string detail, string? ip, DateTimeOffset at) =>
        AuditService.ResidentEntry(account.Id, account.PhoneMasked, action, nameof(Resident), residentId.ToString(CultureInfo.InvariantCulture), detail, ip, at);
}
