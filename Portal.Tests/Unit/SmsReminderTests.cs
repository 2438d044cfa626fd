using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Messaging;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Messaging;
using Portal.Tests.TestSupport;
using Portal.Core.Slots;

namespace Portal.Tests.Unit;

/// <summary>The day-before reminders: one per Booked appointment of the date, never two, whatever the re-runs.</summary>
public sealed class SmsReminderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero); // 18:00 in Shanghai

    [Fact]
    public async Task Queues_one_reminder_per_booked_appointment_even_when_run_twice()
    {
        var db = await TestDatabase.SqliteAsync();
        var clock = new FakeTimeProvider(Now);
        var protector = SmsTestKit.NewProtector();
        var tomorrow = ChinaTime.Today(clock).AddDays(1);
        var (booked, phone) = await ArrangeAsync(db, protector, tomorrow);
        var service = new AppointmentReminderService(db, clock, NullLogger<AppointmentReminderService>.Instance);

        Assert.Equal(booked.Count, await service.EnqueueRemindersAsync(tomorrow));
        Assert.Equal(0, await service.EnqueueRemindersAsync(tomorrow));
        // Two instances at the same moment: still one each.
        var parallel = await Task.WhenAll(service.EnqueueRemindersAsync(tomorrow), service.EnqueueRemindersAsync(tomorrow));
        Assert.Equal(0, parallel.Sum());

        await using var ctx = db.CreateDbContext();
        var queued = await ctx.SmsOutbox.AsNoTracking().OrderBy(m => m.Id).ToListAsync();
        Assert.Equal(booked.Select(AppointmentReminderService.DedupKey), queued.Select(m => m.DedupKey));
        Assert.All(queued, m =>
        {
            Assert.Equal(SmsTemplateNames.AppointmentReminder, m.Template);
            Assert.Equal("zh-CN", m.Culture);
            Assert.Equal(SmsStatus.Pending, m.Status);
            Assert.Equal(phone, protector.Unprotect(m.PhoneCipher));
            Assert.Contains("王小明明天", m.Body);
            Assert.Contains("明天09:00-10:00在提醒测试门诊", m.Body);
            Assert.DoesNotContain("{", m.Body);
        });
    }

    [Fact]
    public async Task An_account_that_no_longer_acts_for_the_person_gets_no_reminder()
    {
        var db = await TestDatabase.SqliteAsync();
        var clock = new FakeTimeProvider(Now);
        var tomorrow = ChinaTime.Today(clock).AddDays(1);
        var (booked, _) = await ArrangeAsync(db, SmsTestKit.NewProtector(), tomorrow);
        await using (var ctx = db.CreateDbContext())
        {
            var unlinked = await ctx.Appointments.Where(a => a.Id == booked[0]).Select(a => new { a.AccountId, a.ResidentId }).SingleAsync();
            await ctx.FamilyMembers.Where(m => m.AccountId == unlinked.AccountId && m.ResidentId == unlinked.ResidentId).ExecuteDeleteAsync();
        }

        Assert.Equal(booked.Count - 1, await new AppointmentReminderService(db, clock, NullLogger<AppointmentReminderService>.Instance).EnqueueRemindersAsync(tomorrow));
        await using var check = db.CreateDbContext();
        Assert.DoesNotContain(AppointmentReminderService.DedupKey(booked[0]), await check.SmsOutbox.Select(m => m.DedupKey).ToListAsync());
    }

    [Fact]
    public void Runs_next_at_the_configured_china_time()
    {
        var at = new TimeOnly(18, 0);
        // 09:00 in Shanghai → today 18:00 (10:00 UTC).
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), ChinaTime.NextOccurrence(new DateTimeOffset(2026, 11, 25, 1, 0, 0, TimeSpan.Zero), at));
        // 18:00 exactly and later → tomorrow.
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero), ChinaTime.NextOccurrence(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), at));
        // 23:30 UTC is already the next China day (07:30).
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero), ChinaTime.NextOccurrence(new DateTimeOffset(2026, 11, 25, 23, 30, 0, TimeSpan.Zero), at));
    }

    [Fact]
    public void Templates_render_in_chinese_and_english()
    {
        var args = new Dictionary<string, string> { ["name"] = "王*明", ["time"] = "09:00-10:00", ["site"] = "S", ["vaccine"] = "V", ["dose"] = "2" };
        Assert.Equal("【上海疫苗接种】提醒：王*明明天09:00-10:00在S接种V第2剂。", SmsTemplates.Render(SmsTemplateNames.AppointmentReminder, "zh-CN", args));
        Assert.Equal("[Shanghai Vaccination] Reminder: 王*明 has V dose 2 tomorrow at 09:00-10:00, S.", SmsTemplates.Render(SmsTemplateNames.AppointmentReminder, "en", args));
    }

    /// <summary>Three Booked appointments tomorrow, plus a cancelled one tomorrow and a booked one the day after (no reminders).</summary>
    private static async Task<(List<long> Booked, string Phone)> ArrangeAsync(TestDatabase db, Portal.Core.Common.Privacy.IPersonalDataProtector protector, DateOnly tomorrow)
    {
        await using var ctx = db.CreateDbContext();
        var street = await ctx.Streets.FirstAsync();
        var site = new Site { Code = "R-" + Guid.NewGuid().ToString("N")[..6], Name = "提醒测试门诊", Kind = SiteKind.Clinic, DistrictCode = street.DistrictCode, StreetCode = street.Code };
        ctx.Sites.Add(site);
        var product = await ctx.Products.FirstAsync(p => p.Code == "COVID-BIBP");
        var phone = TestIds.NewPhone();
        var account = new ResidentAccount { PhoneHash = protector.LookupHash(phone), PhoneCipher = protector.Protect(phone), PhoneMasked = Portal.Core.Common.Privacy.Masking.MaskPhone(phone) };
        ctx.ResidentAccounts.Add(account);
        var residents = Enumerable.Range(0, 5).Select(i => new Resident
        {
            Name = "王小明", IdKind = IdDocumentKind.Passport, IdNumberCipher = "x", IdNumberHash = $"rem{i}-{Guid.NewGuid():N}", IdNumberMasked = "x",
            Sex = Sex.Male, BirthDate = new DateOnly(1990, 1, 1), Residency = ResidencyKind.Household,
        }).ToList();
        ctx.Residents.AddRange(residents);
        await ctx.SaveChangesAsync();
        ctx.FamilyMembers.AddRange(residents.Select(r => new FamilyMember { AccountId = account.Id, ResidentId = r.Id, Relationship = Relationship.Other }));
        var slotTomorrow = new Slot { SiteId = site.Id, ProductId = product.Id, Date = tomorrow, StartTime = new TimeOnly(9, 0), EndTime = new TimeOnly(10, 0), Capacity = 10, Booked = 4 };
        var slotLater = new Slot { SiteId = site.Id, ProductId = product.Id, Date = tomorrow.AddDays(1), StartTime = new TimeOnly(9, 0), EndTime = new TimeOnly(10, 0), Capacity = 10, Booked = 1 };
        ctx.Slots.AddRange(slotTomorrow, slotLater);
        await ctx.SaveChangesAsync();
        var appointments = residents.Select((r, i) => new Appointment
        {
            SlotId = i == 4 ? slotLater.Id : slotTomorrow.Id, SiteId = site.Id, ProductId = product.Id, ResidentId = r.Id, AccountId = account.Id, DoseNumber = 1,
            Date = i == 4 ? slotLater.Date : tomorrow, Status = i == 3 ? AppointmentStatus.Cancelled : AppointmentStatus.Booked,
        }).ToList();
        ctx.Appointments.AddRange(appointments);
        await ctx.SaveChangesAsync();
        return (appointments.Take(3).Select(a => a.Id).ToList(), phone);
    }
}
