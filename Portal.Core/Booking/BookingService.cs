using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Eligibility;
using Portal.Core.Injections;
using Portal.Core.Messaging;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Vaccines;
using Portal.Core.Slots;
using Portal.Core.Waitlist;

namespace Portal.Core.Booking;

public sealed record SlotDto(long Id, long SiteId, long ProductId, string ProductName, string ProductNameEn, DateOnly Date,
    TimeOnly StartTime, TimeOnly EndTime, int Capacity, int Remaining, bool IsBookable, DateTimeOffset? ReleaseAt);

public sealed record AppointmentDto(long Id, long ResidentId, long SlotId, long SiteId, string SiteName, long ProductId, string ProductName,
    int DoseNumber, DateOnly Date, TimeOnly StartTime, TimeOnly EndTime, AppointmentStatus Status);

/// <param name="OfferId">The open waitlist offer a scarce product's first dose is booked with.</param>
public sealed record BookRequest(long? SlotId, long? ResidentId, long? OfferId = null);

/// <summary>Slots and bookings. The only guard against overbooking is the database: one conditional
/// UPDATE (<see cref="SlotBookability.HasPlace"/>) plus the unique active-appointment key, in one transaction.</summary>
/// <param name="catalogue">The in-memory catalogue; without it (unit tests) each booking reads the rules afresh.</param>
/// <param name="fastPath">The provider's one-statement booking (PostgreSQL), if it has one; otherwise the EF transaction.</param>
public sealed class BookingService(IDbContextFactory<DbContext> contexts, TimeProvider clock, VaccineCatalogue? catalogue = null, SoldOutCache? soldOut = null,
    IBookingFastPath? fastPath = null)
{
    private readonly VaccineCatalogue _catalogue = catalogue ?? new VaccineCatalogue(contexts, clock, TimeSpan.Zero);

    public const int MaxDaysRange = 31;

    public async Task<IReadOnlyList<SlotDto>> ListSlotsAsync(long siteId, DateOnly? from, DateOnly? to, long? productId, CancellationToken ct = default)
    {
        var today = ChinaTime.Today(clock);
        var start = from ?? today;
        var end = to ?? start.AddDays(13);
        if (end < start)
            throw new DomainValidationException("to", new("结束日期不能早于开始日期", "'to' must not be before 'from'"));
        if (end.DayNumber - start.DayNumber > MaxDaysRange)
            throw new DomainValidationException("to", new($"查询范围不能超过{MaxDaysRange}天", $"The range may not exceed {MaxDaysRange} days"));
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await SiteDirectory.Listed(db.Set<Site>(), today).AnyAsync(s => s.Id == siteId, ct))
            throw SitesErrors.SiteNotFound.Exception();
        var now = clock.GetUtcNow();
        var rows = await db.Set<Slot>().AsNoTracking()
            .Where(s => s.SiteId == siteId && s.Date >= start && s.Date <= end && !s.IsClosed && (productId == null || s.ProductId == productId))
            .Join(db.Set<VaccineProduct>(), s => s.ProductId, p => p.Id, (s, p) => new { s, p.Name, p.NameEn })
            .OrderBy(x => x.s.Date).ThenBy(x => x.s.StartTime)
            .ToListAsync(ct);
        return rows.Select(x => new SlotDto(x.s.Id, x.s.SiteId, x.s.ProductId, x.Name, x.NameEn, x.s.Date, x.s.StartTime, x.s.EndTime,
            x.s.Capacity, x.s.Capacity - x.s.Booked, SlotBookability.IsBookable(x.s, siteListed: true, now), x.s.ReleaseAt)).ToList();
    }

    /// <summary>Books, or throws the booking's errors; a full slot is <see cref="BookingErrors.SlotFull"/>.</summary>
    public async Task<AppointmentDto> BookAsync(long accountId, BookRequest request, CancellationToken ct = default) =>
        await TryBookAsync(accountId, request, ct) ?? throw SlotFull();

    /// <summary>As <see cref="BookAsync"/>, but a full slot is null rather than an exception: under a flash crowd most
    /// attempts meet a full slot, and the booking endpoint answers them without the cost of throwing (ADR 0006).</summary>
    public async Task<AppointmentDto?> TryBookAsync(long accountId, BookRequest request, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        if (request.SlotId is not > 0) errors.Add(new("slotId", new("请选择预约时段", "Choose a slot")));
        if (request.ResidentId is not > 0) errors.Add(new("residentId", new("请选择接种人", "Choose who will be vaccinated")));
        if (errors.Count > 0) throw new DomainValidationException(errors);
        var slotId = request.SlotId!.Value;
        var residentId = request.ResidentId!.Value;
        // A slot known to be full is answered from memory: a flash crowd on it never reaches the database.
        if (soldOut?.IsKnownFull(slotId) == true) return null;

        // A flash crowd makes this the hottest path in the system, so it reads once before it writes, and the rules
        // come from the in-memory catalogue, taken before this request holds a connection.
        var rules = await _catalogue.GetAsync(ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        // The slot with its site, and the family member with the resident, the account's phone and every dose the
        // resident has had: one round trip. Only when it finds nothing is it asked which of the two was missing.
        var today = ChinaTime.Today(clock);
        var found = await (from s in db.Set<Slot>()
                           where s.Id == slotId
                           join st in db.Set<Site>() on s.SiteId equals st.Id
                           from m in db.Set<FamilyMember>().Where(m => m.AccountId == accountId && m.ResidentId == residentId)
                           join r in db.Set<Resident>() on m.ResidentId equals r.Id
                           join a in db.Set<ResidentAccount>() on m.AccountId equals a.Id
                           select new
                           {
                               Slot = s, SiteName = st.Name, SiteListed = SiteDirectory.Listed(db.Set<Site>(), today).Any(x => x.Id == st.Id),
                               Resident = r, a.PhoneCipher, a.PhoneMasked,
                               Doses = db.Set<Injection>().Where(i => i.ResidentId == r.Id)
                                   .Select(i => new DoseRecord(i.ProductId, i.DoseNumber, i.InjectedOn)).ToList(),
                           }).AsNoTracking().FirstOrDefaultAsync(ct)
            ?? throw (await db.Set<Slot>().AnyAsync(s => s.Id == slotId, ct)
                ? ResidentService.NotAMember()
                : SlotsErrors.SlotNotFound.Exception());
        var slot = found.Slot;
        var now = clock.GetUtcNow();
        SlotBookability.EnsureOpen(slot, found.SiteListed, now);

        var member = found;
        var resident = member.Resident;
        // Eligibility is judged on the appointment's date, not today's.
        var (product, eligibility) = EligibilityService.Evaluate(rules, slot.ProductId, resident, member.Doses, slot.Date, null);
        EligibilityService.EnsureEligible(eligibility);
        var dose = eligibility.DoseNumber;
        if (product.IsScarce && NoShowPolicy.IsScarceBookingBlocked(resident.ScarceBookingBlockedUntil, slot.Date))
            throw BookingErrors.ScarceBookingBlocked.Exception(resident.ScarceBookingBlockedUntil);
        var offer = await RequireOfferAsync(db, request.OfferId, product, residentId, dose, now, ct);
        var site = found.SiteName;

        var appointment = new Appointment
        {
            SlotId = slot.Id, SiteId = slot.SiteId, ProductId = slot.ProductId, ResidentId = residentId, AccountId = accountId,
            DoseNumber = dose, Date = slot.Date, Status = AppointmentStatus.Booked, ActiveKey = ActiveKey(residentId, product.SeriesGroup, dose),
            WaitlistOfferId = offer?.Id, CreatedAt = now,
        };
        if (offer is null && fastPath is not null)
        {
            var confirmation = BookingConfirmation.Compose(member.PhoneCipher, member.PhoneMasked, resident.Name, slot, site, product.Name, dose, "", now);
            switch (await fastPath.BookAsync(db, appointment, confirmation, ct))
            {
                case FastBookingOutcome.Booked:
                    return Dto(appointment, slot, site, product);
                case FastBookingOutcome.AlreadyBooked:
                    throw AlreadyBooked();
                default:
                    // The statement takes the place before it inserts; the transaction below inserts first and meets the
                    // unique active key. Ask, so that both paths answer a person already booked alike, full slot or not.
                    if (await db.Set<Appointment>().AnyAsync(x => x.ActiveKey == appointment.ActiveKey, ct)) throw AlreadyBooked();
                    return Full(slotId);
            }
        }

        // On SQLite this transaction queues behind the process's other writers (Portal.Data's write queue, ADR 0013).
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The appointment and its confirmation go in before the slot's counter is taken, so the hot slot row is
        // locked for as short a time as this transaction allows (PostgreSQL does better still: IBookingFastPath).
        db.Add(appointment);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            await tx.RollbackAsync(ct);
            throw AlreadyBooked();
        }
        if (offer is not null)
        {
            // Conditional, so two bookings racing on one offer cannot both consume it.
            var accepted = await db.Set<WaitlistOffer>().Where(o => o.Id == offer.Id && o.Status == OfferStatus.Open)
                .ExecuteUpdateAsync(o => o.SetProperty(x => x.Status, OfferStatus.Accepted).SetProperty(x => x.AppointmentId, appointment.Id), ct);
            if (accepted == 0)
            {
                await tx.RollbackAsync(ct);
                throw WaitlistRequired();
            }
            await db.Set<WaitlistEntry>().Where(e => e.Id == offer.EntryId)
                .ExecuteUpdateAsync(e => e.SetProperty(x => x.Status, WaitlistStatus.Booked), ct);
            db.Add(new WaitlistEvent { EntryId = offer.EntryId, CampaignId = offer.CampaignId, Kind = "booked", Detail = $"offer {offer.Id}, appointment {appointment.Id}", At = now });
        }
        db.Add(BookingConfirmation.Compose(member.PhoneCipher, member.PhoneMasked, resident.Name, slot, site, product.Name, dose,
            BookingConfirmation.BookedKey(appointment.Id), now));
        await db.SaveChangesAsync(ct);
        var taken = await db.Set<Slot>()
            .Where(s => s.Id == slotId).Where(SlotBookability.HasPlace)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Booked, x => x.Booked + 1), ct);
        if (taken == 0)
        {
            await tx.RollbackAsync(ct);
            return Full(slotId);
        }
        await tx.CommitAsync(ct);
        return Dto(appointment, slot, site, product);
    }

    private static AppointmentDto Dto(Appointment a, Slot slot, string site, VaccineProduct product) =>
        new(a.Id, a.ResidentId, slot.Id, slot.SiteId, site, product.Id, product.Name, a.DoseNumber, slot.Date, slot.StartTime, slot.EndTime, a.Status);

    internal static DomainProblemException SlotFull() => BookingErrors.SlotFull.Exception();

    /// <summary>The database refused the place: remember the slot as full for a moment (<see cref="SoldOutCache"/>).</summary>
    private AppointmentDto? Full(long slotId)
    {
        soldOut?.MarkFull(slotId);
        return null;
    }

    internal static DomainProblemException AlreadyBooked() =>
        BookingErrors.AlreadyBooked.Exception();

    /// <summary>Appointments of the people the account acts for now, whoever booked them.</summary>
    public async Task<IReadOnlyList<AppointmentDto>> ListForAccountAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await (from a in db.Set<Appointment>().AsNoTracking()
                      where db.Set<FamilyMember>().Any(m => m.AccountId == accountId && m.ResidentId == a.ResidentId)
                      join s in db.Set<Slot>() on a.SlotId equals s.Id
                      join site in db.Set<Site>() on a.SiteId equals site.Id
                      join p in db.Set<VaccineProduct>() on a.ProductId equals p.Id
                      orderby a.Date descending, a.Id descending
                      select new AppointmentDto(a.Id, a.ResidentId, a.SlotId, a.SiteId, site.Name, a.ProductId, p.Name, a.DoseNumber, a.Date,
                          s.StartTime, s.EndTime, a.Status)).ToListAsync(ct);
    }

    public static string ActiveKey(long residentId, string seriesGroup, int dose) => $"{residentId}:{seriesGroup}:{dose}";

    /// <summary>Completed calendar months of age (see <see cref="EligibilityEngine.AgeInMonths"/>).</summary>
    public static int AgeInMonths(DateOnly birth, DateOnly on) => EligibilityEngine.AgeInMonths(birth, on);

    /// <summary>A scarce product's first dose is booked only with the resident's own open, unexpired offer;
    /// an offer given for any booking must be that resident's for that product.</summary>
    private static async Task<WaitlistOffer?> RequireOfferAsync(DbContext db, long? offerId, VaccineProduct product, long residentId, int dose,
        DateTimeOffset now, CancellationToken ct)
    {
        if (offerId is null)
            return product.IsScarce && dose == 1 ? throw WaitlistRequired() : null;
        var offer = await (from o in db.Set<WaitlistOffer>().AsNoTracking()
                           join e in db.Set<WaitlistEntry>() on o.EntryId equals e.Id
                           where o.Id == offerId && o.Status == OfferStatus.Open && e.ResidentId == residentId && e.ProductId == product.Id
                           select o).FirstOrDefaultAsync(ct);
        // Compared in memory: SQLite cannot order DateTimeOffset in SQL.
        return offer is not null && offer.ExpiresAt > now ? offer : throw WaitlistRequired();
    }

    private static DomainProblemException WaitlistRequired() =>
        BookingErrors.WaitlistRequired.Exception();
}
