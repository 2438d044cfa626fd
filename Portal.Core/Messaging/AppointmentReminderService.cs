using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Core.Booking;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Vaccines;
using Portal.Core.Slots;

namespace Portal.Core.Messaging;

/// <summary>Queues the day-before reminders (预约提醒) in the SMS outbox.</summary>
public sealed class AppointmentReminderService(IDbContextFactory<DbContext> contexts, TimeProvider clock, ILogger<AppointmentReminderService> logger)
{
    private const int PageSize = 500;

    /// <summary>The outbox key of an appointment's reminder: at most one reminder per appointment, however often the job runs.</summary>
    public static string DedupKey(long appointmentId) => $"remind:{appointmentId}";

    /// <summary>Queues an <see cref="SmsTemplateNames.AppointmentReminder"/> to the booking account's phone for every
    /// Booked appointment on <paramref name="date"/> (a China date) that has none yet. Returns how many were queued.
    /// Residents have no language setting, so reminders are in zh-CN.</summary>
    public async Task<int> EnqueueRemindersAsync(DateOnly date, CancellationToken ct = default)
    {
        var queued = 0;
        long afterId = 0;
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var page = await (from a in db.Set<Appointment>().AsNoTracking()
                              where a.Date == date && a.Status == AppointmentStatus.Booked && a.Id > afterId
                              join s in db.Set<Slot>() on a.SlotId equals s.Id
                              join site in db.Set<Site>() on a.SiteId equals site.Id
                              join p in db.Set<VaccineProduct>() on a.ProductId equals p.Id
                              join r in db.Set<Resident>() on a.ResidentId equals r.Id
                              join acc in db.Set<ResidentAccount>() on a.AccountId equals acc.Id
                              // Only while the booking account still acts for the person: a removed account hears nothing more.
                              where db.Set<FamilyMember>().Any(m => m.AccountId == a.AccountId && m.ResidentId == a.ResidentId)
                              orderby a.Id
                              select new Row(a.Id, a.DoseNumber, s.StartTime, s.EndTime, site.Name, p.Name, r.Name, acc.PhoneCipher, acc.PhoneMasked))
                             .Take(PageSize).ToListAsync(ct);
            if (page.Count == 0)
                return queued;
            afterId = page[^1].AppointmentId;

            var keys = page.Select(r => DedupKey(r.AppointmentId)).ToList();
            var existing = (await db.Set<SmsOutboxMessage>().Where(m => keys.Contains(m.DedupKey)).Select(m => m.DedupKey).ToListAsync(ct)).ToHashSet();
            var fresh = page.Where(r => !existing.Contains(DedupKey(r.AppointmentId))).ToList();
            if (fresh.Count == 0)
                continue;

            var now = clock.GetUtcNow();
            foreach (var row in fresh)
                Enqueue(db, row, now);
            try
            {
                await db.SaveChangesAsync(ct);
                queued += fresh.Count;
            }
            catch (DbUpdateException)
            {
                // Another instance queued some of the same reminders meanwhile: add them one by one, skipping the taken keys.
                db.ChangeTracker.Clear();
                queued += await EnqueueOneByOneAsync(fresh, ct);
            }
        }
    }

    private async Task<int> EnqueueOneByOneAsync(List<Row> rows, CancellationToken ct)
    {
        var queued = 0;
        foreach (var row in rows)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            Enqueue(db, row, clock.GetUtcNow());
            try
            {
                await db.SaveChangesAsync(ct);
                queued++;
            }
            catch (DbUpdateException)
            {
                logger.LogDebug("Reminder for appointment {Id} was already queued", row.AppointmentId);
            }
        }
        return queued;
    }

    private static void Enqueue(DbContext db, Row row, DateTimeOffset now) =>
        SmsOutbox.Enqueue(db, row.PhoneCipher, row.PhoneMasked, SmsTemplateNames.AppointmentReminder, new Dictionary<string, string>
        {
            // Full name, as in the booking confirmation: the account holder booked for this person.
            ["name"] = row.ResidentName,
            ["time"] = row.Start.ToString("HH:mm", CultureInfo.InvariantCulture) + "-" + row.End.ToString("HH:mm", CultureInfo.InvariantCulture),
            ["site"] = row.SiteName,
            ["vaccine"] = row.ProductName,
            ["dose"] = row.DoseNumber.ToString(CultureInfo.InvariantCulture),
        }, DedupKey(row.AppointmentId), now);

    private sealed record Row(long AppointmentId, int DoseNumber, TimeOnly Start, TimeOnly End, string SiteName, string ProductName,
        string ResidentName, string PhoneCipher, string PhoneMasked);
}
