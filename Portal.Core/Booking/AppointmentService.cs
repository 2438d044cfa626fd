using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Common;
using Portal.Core.Eligibility;
using Portal.Core.Messaging;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Vaccines;
using Portal.Core.Slots;

namespace Portal.Core.Booking;

public sealed record RescheduleRequest(long? SlotId);

/// <param name="ReleasedSlotId">The slot that got a place back (its sold-out mark must be cleared).</param>
public sealed record RescheduleResult(AppointmentDto Appointment, long ReleasedSlotId);

/// <summary>What happens to an appointment after booking: cancel, reschedule, no-show. Like booking, every
/// change of <see cref="Slot.Booked"/> is one conditional UPDATE in the same transaction as the appointment.</summary>
public sealed class AppointmentService(IDbContextFactory<DbContext> contexts, TimeProvider clock, IOptions<NoShowPolicyOptions> noShow,
    SoldOutCache? soldOut = null)
{
    public const int MaxReasonLength = 256;

    /// <summary>One appointment of a person the account acts for; 404 otherwise.</summary>
    public async Task<AppointmentDto> GetAsync(long accountId, long appointmentId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await (from a in Owned(db, accountId)
                      where a.Id == appointmentId
                      join s in db.Set<Slot>() on a.SlotId equals s.Id
                      join site in db.Set<Site>() on a.SiteId equals site.Id
                      join p in db.Set<VaccineProduct>() on a.ProductId equals p.Id
                      select new AppointmentDto(a.Id, a.ResidentId, a.SlotId, a.SiteId, site.Name, a.ProductId, p.Name, a.DoseNumber, a.Date,
                          s.StartTime, s.EndTime, a.Status)).FirstOrDefaultAsync(ct)
            ?? throw NotFound();
    }

    /// <summary>Cancels a Booked appointment and frees its place at once. Returns the freed slot's id.</summary>
    public async Task<long> CancelAsync(long accountId, long appointmentId, string? reason, CancellationToken ct = default)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason is { Length: > MaxReasonLength })
            throw new DomainValidationException("reason", new($"取消原因不能超过{MaxReasonLength}个字符", $"The reason may not exceed {MaxReasonLength} characters"));

        await using var db = await contexts.CreateDbContextAsync(ct);
        var appointment = await Owned(db, accountId).AsNoTracking().FirstOrDefaultAsync(a => a.Id == appointmentId, ct) ?? throw NotFound();
        EnsureChangeable(appointment);
        var details = await (from r in db.Set<Resident>() where r.Id == appointment.ResidentId
                             from site in db.Set<Site>() where site.Id == appointment.SiteId
                             from p in db.Set<VaccineProduct>() where p.Id == appointment.ProductId
                             select new { r.Name, Site = site.Name, Product = p.Name }).FirstAsync(ct);
        var account = await db.Set<ResidentAccount>().AsNoTracking().FirstAsync(a => a.Id == accountId, ct);
        var now = clock.GetUtcNow();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Conditional on Booked: of two racing cancellations only one frees the place.
        var changed = await db.Set<Appointment>().Where(a => a.Id == appointmentId && a.Status == AppointmentStatus.Booked)
            .ExecuteUpdateAsync(a => a.SetProperty(x => x.Status, AppointmentStatus.Cancelled).SetProperty(x => x.ActiveKey, (string?)null)
                .SetProperty(x => x.CancelledAt, now).SetProperty(x => x.CancelReason, reason).SetProperty(x => x.UpdatedAt, now), ct);
        if (changed == 0) throw NotBooked();
        await db.Set<Slot>().Where(s => s.Id == appointment.SlotId && s.Booked > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Booked, x => x.Booked - 1), ct);
        SmsOutbox.Enqueue(db, account.PhoneCipher, account.PhoneMasked, SmsTemplateNames.BookingCancelled, new Dictionary<string, string>
        {
            ["name"] = details.Name, ["date"] = appointment.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["site"] = details.Site, ["vaccine"] = details.Product,
        }, $"cancel:{appointmentId}", now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        soldOut?.Clear(appointment.SlotId);
        return appointment.SlotId;
    }

    /// <summary>Moves a Booked appointment to another slot of the same product, keeping its dose number: the new
    /// place is taken and the old one released in one transaction (409 "slot_full" when the new slot is full).</summary>
    public async Task<RescheduleResult> RescheduleAsync(long accountId, long appointmentId, long? newSlotId, CancellationToken ct = default)
    {
        if (newSlotId is not > 0)
            throw new DomainValidationException("slotId", new("请选择新的预约时段", "Choose the new slot"));
        var slotId = newSlotId.Value;
        if (soldOut?.IsKnownFull(slotId) == true) throw BookingService.SlotFull();

        await using var db = await contexts.CreateDbContextAsync(ct);
        var appointment = await Owned(db, accountId).AsNoTracking().FirstOrDefaultAsync(a => a.Id == appointmentId, ct) ?? throw NotFound();
        EnsureChangeable(appointment);
        if (appointment.SlotId == slotId)
            throw new DomainValidationException("slotId", new("新时段与原时段相同", "The new slot is the appointment's current slot"));
        var slot = await db.Set<Slot>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == slotId, ct)
            ?? throw SlotsErrors.SlotNotFound.Exception();
        if (slot.ProductId != appointment.ProductId)
            throw new DomainValidationException("slotId", new("新时段的疫苗与原预约不同", "The new slot is for another vaccine"));
        var today = ChinaTime.Today(clock);
        var now = clock.GetUtcNow();
        var site = await db.Set<Site>().AsNoTracking().Where(s => s.Id == slot.SiteId)
            .Select(s => new { s.Name, Listed = SiteDirectory.Listed(db.Set<Site>(), today).Any(x => x.Id == s.Id) }).FirstAsync(ct);
        SlotBookability.EnsureOpen(slot, site.Listed, now);

        var resident = await db.Set<Resident>().AsNoTracking().FirstAsync(r => r.Id == appointment.ResidentId, ct);
        // The same dose on another date: its intervals and age window are checked again for that date.
        var (product, eligibility) = await EligibilityService.EvaluateAsync(db, slot.ProductId, resident, slot.Date, appointment.DoseNumber, ct);
        EligibilityService.EnsureEligible(eligibility);
        var account = await db.Set<ResidentAccount>().AsNoTracking().FirstAsync(a => a.Id == accountId, ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var taken = await db.Set<Slot>().Where(s => s.Id == slotId).Where(SlotBookability.HasPlace)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Booked, x => x.Booked + 1), ct);
        if (taken == 0)
        {
            soldOut?.MarkFull(slotId);
            throw BookingService.SlotFull();
        }
        var moved = await db.Set<Appointment>().Where(a => a.Id == appointmentId && a.Status == AppointmentStatus.Booked && a.SlotId == appointment.SlotId)
            .ExecuteUpdateAsync(a => a.SetProperty(x => x.SlotId, slot.Id).SetProperty(x => x.SiteId, slot.SiteId)
                .SetProperty(x => x.Date, slot.Date).SetProperty(x => x.UpdatedAt, now), ct);
        if (moved == 0)
        {
            await tx.RollbackAsync(ct);
            throw NotBooked();
        }
        await db.Set<Slot>().Where(s => s.Id == appointment.SlotId && s.Booked > 0)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Booked, x => x.Booked - 1), ct);
        db.Add(BookingConfirmation.Compose(account.PhoneCipher, account.PhoneMasked, resident.Name, slot, site.Name, product.Name,
            appointment.DoseNumber, BookingConfirmation.RescheduledKey(appointmentId, slot.Id), now));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var dto = new AppointmentDto(appointment.Id, appointment.ResidentId, slot.Id, slot.SiteId, site.Name, product.Id, product.Name, appointment.DoseNumber,
            slot.Date, slot.StartTime, slot.EndTime, AppointmentStatus.Booked);
        soldOut?.Clear(appointment.SlotId);
        return new RescheduleResult(dto, appointment.SlotId);
    }

    /// <summary>Marks every still-Booked appointment dated before <paramref name="today"/> as NoShow (the day is over,
    /// so no place is released) and applies the no-show policy to the people concerned. Safe to run again.</summary>
    public async Task<int> MarkNoShowsAsync(DateOnly today, CancellationToken ct = default)
    {
        const int batch = 500;
        var marked = 0;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        while (true)
        {
            var due = await db.Set<Appointment>().AsNoTracking()
                .Where(a => a.Status == AppointmentStatus.Booked && a.Date < today)
                .OrderBy(a => a.Id).Select(a => new { a.Id, a.ResidentId }).Take(batch).ToListAsync(ct);
            if (due.Count == 0) break;
            var ids = due.Select(d => d.Id).ToList();
            // Conditional on Booked: an injection recorded meanwhile (Completed) is left alone.
            marked += await db.Set<Appointment>().Where(a => ids.Contains(a.Id) && a.Status == AppointmentStatus.Booked)
                .ExecuteUpdateAsync(a => a.SetProperty(x => x.Status, AppointmentStatus.NoShow).SetProperty(x => x.ActiveKey, (string?)null)
                    .SetProperty(x => x.UpdatedAt, now), ct);
            await ApplyPolicyAsync(db, due.Select(d => d.ResidentId).Distinct().ToList(), today, ct);
            if (due.Count < batch) break;
        }
        return marked;
    }

    private async Task ApplyPolicyAsync(DbContext db, List<long> residentIds, DateOnly today, CancellationToken ct)
    {
        var options = noShow.Value;
        var since = today.AddDays(-NoShowPolicy.WindowDays);
        var counts = await db.Set<Appointment>().AsNoTracking()
            .Where(a => residentIds.Contains(a.ResidentId) && a.Status == AppointmentStatus.NoShow && a.Date >= since)
            .GroupBy(a => a.ResidentId).Select(g => new { ResidentId = g.Key, Count = g.Count() }).ToListAsync(ct);
        var current = await db.Set<Resident>().AsNoTracking().Where(r => residentIds.Contains(r.Id))
            .Select(r => new { r.Id, r.ScarceBookingBlockedUntil }).ToDictionaryAsync(r => r.Id, r => r.ScarceBookingBlockedUntil, ct);
        foreach (var c in counts)
        {
            if (NoShowPolicy.BlockedUntil(c.Count, today, current.GetValueOrDefault(c.ResidentId), options) is not { } until) continue;
            await db.Set<Resident>().Where(r => r.Id == c.ResidentId)
                .ExecuteUpdateAsync(r => r.SetProperty(x => x.ScarceBookingBlockedUntil, until), ct);
        }
    }

    /// <summary>Appointments of the people the account acts for now. Having booked one grants nothing: an account whose
    /// link was removed loses its own bookings too (docs/decisions/0007-who-may-act-for-whom.md).</summary>
    private static IQueryable<Appointment> Owned(DbContext db, long accountId) =>
        db.Set<Appointment>().Where(a => db.Set<FamilyMember>().Any(f => f.AccountId == accountId && f.ResidentId == a.ResidentId));

    private void EnsureChangeable(Appointment appointment)
    {
        if (appointment.Status != AppointmentStatus.Booked) throw NotBooked();
        if (appointment.Date < ChinaTime.Today(clock))
            throw BookingErrors.AppointmentPast.Exception();
    }

    private static DomainProblemException NotFound() =>
        BookingErrors.AppointmentNotFound.Exception();

    private static DomainProblemException NotBooked() =>
        BookingErrors.AppointmentNotBooked.Exception();
}
