using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Eligibility;
using Portal.Core.Messaging;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Tests.TestSupport;
using Portal.Core.Slots;
using Portal.Core.Waitlist;

namespace Portal.Tests.Unit;

/// <summary>Booking with the engine on a real SQLite database and the seeded catalogue: checked on the appointment
/// date, refused with reasons, scarce first doses only with an open offer, the confirmation SMS in the same transaction.</summary>
public sealed class EligibilityBookingTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 10, 2, 0, 0, TimeSpan.Zero));

    private DateOnly Today => ChinaTime.Today(_clock);

    [Fact]
    public async Task Too_young_on_the_appointment_date_is_refused_with_reasons()
    {
        var db = await TestDatabase.SqliteAsync();
        var slotDate = Today.AddDays(3);
        var (accountId, residentId) = await PersonAsync(db, slotDate.AddMonths(-36).AddDays(1), Sex.Male);
        var slotId = await SlotAsync(db, "COVID-BIBP", slotDate);

        var e = await Assert.ThrowsAsync<DomainProblemException>(() => new BookingService(db, _clock).BookAsync(accountId, new BookRequest(slotId, residentId)));
        Assert.Equal("not_eligible", e.Code);
        Assert.Equal(ProblemKind.Conflict, e.Kind);
        Assert.Contains(slotDate.AddDays(1).ToString("yyyy-MM-dd"), e.Bilingual.Zh);
        Assert.Contains("minimum age", e.Bilingual.En);
        await using var ctx = db.CreateDbContext();
        Assert.Equal(0, (await ctx.Slots.SingleAsync(s => s.Id == slotId)).Booked);
        Assert.False(await ctx.Appointments.AnyAsync(a => a.ResidentId == residentId));
    }

    [Fact]
    public async Task Eligibility_is_judged_on_the_appointment_date_not_today()
    {
        var db = await TestDatabase.SqliteAsync();
        var slotDate = Today.AddDays(3);
        var (accountId, residentId) = await PersonAsync(db, slotDate.AddMonths(-36), Sex.Male); // turns 3 on the slot's date
        var slotId = await SlotAsync(db, "COVID-BIBP", slotDate);

        var service = new EligibilityService(db, _clock);
        Assert.False((await service.CheckAsync(residentId, await ProductIdAsync(db, "COVID-BIBP"), null)).IsEligible);
        var appointment = await new BookingService(db, _clock).BookAsync(accountId, new BookRequest(slotId, residentId));
        Assert.Equal(1, appointment.DoseNumber);

        await using var ctx = db.CreateDbContext();
        var sms = await ctx.SmsOutbox.SingleAsync(m => m.DedupKey == $"book:{appointment.Id}");
        Assert.Equal(SmsTemplateNames.BookingConfirmed, sms.Template);
        Assert.Contains(slotDate.ToString("yyyy-MM-dd"), sms.Body);
        Assert.Contains("第1剂", sms.Body);
    }

    [Fact]
    public async Task Scarce_first_dose_needs_an_open_offer_which_booking_consumes()
    {
        var db = await TestDatabase.SqliteAsync();
        var (accountId, residentId) = await PersonAsync(db, new DateOnly(1995, 4, 1), Sex.Female);
        var slotId = await SlotAsync(db, "HPV9-GARDASIL9", Today.AddDays(2));
        var booking = new BookingService(db, _clock);

        var none = await Assert.ThrowsAsync<DomainProblemException>(() => booking.BookAsync(accountId, new BookRequest(slotId, residentId)));
        Assert.Equal("waitlist_required", none.Code);

        var expired = await OfferAsync(db, residentId, accountId, "HPV9-GARDASIL9", _clock.GetUtcNow().AddMinutes(-1));
        Assert.Equal("waitlist_required", (await Assert.ThrowsAsync<DomainProblemException>(() =>
            booking.BookAsync(accountId, new BookRequest(slotId, residentId, expired.OfferId)))).Code);
        var otherProduct = await OfferAsync(db, residentId, accountId, "HPV4-GARDASIL", _clock.GetUtcNow().AddHours(48));
        Assert.Equal("waitlist_required", (await Assert.ThrowsAsync<DomainProblemException>(() =>
            booking.BookAsync(accountId, new BookRequest(slotId, residentId, otherProduct.OfferId)))).Code);

        var offer = await OfferAsync(db, residentId, accountId, "HPV9-GARDASIL9", _clock.GetUtcNow().AddHours(48));
        var appointment = await booking.BookAsync(accountId, new BookRequest(slotId, residentId, offer.OfferId));

        await using var ctx = db.CreateDbContext();
        Assert.Equal(offer.OfferId, (await ctx.Appointments.SingleAsync(a => a.Id == appointment.Id)).WaitlistOfferId);
        var accepted = await ctx.WaitlistOffers.SingleAsync(o => o.Id == offer.OfferId);
        Assert.Equal(OfferStatus.Accepted, accepted.Status);
        Assert.Equal(appointment.Id, accepted.AppointmentId);
        Assert.Equal(WaitlistStatus.Booked, (await ctx.WaitlistEntries.SingleAsync(e => e.Id == offer.EntryId)).Status);
        Assert.Equal(1, (await ctx.Slots.SingleAsync(s => s.Id == slotId)).Booked);
        Assert.True(await ctx.SmsOutbox.AnyAsync(m => m.DedupKey == $"book:{appointment.Id}"));
    }

    [Fact]
    public async Task Wrong_sex_is_refused_and_nothing_is_written()
    {
        var db = await TestDatabase.SqliteAsync();
        var (accountId, residentId) = await PersonAsync(db, new DateOnly(1995, 4, 1), Sex.Male);
        var slotId = await SlotAsync(db, "HPV4-GARDASIL", Today.AddDays(2));
        var e = await Assert.ThrowsAsync<DomainProblemException>(() => new BookingService(db, _clock).BookAsync(accountId, new BookRequest(slotId, residentId)));
        Assert.Equal("not_eligible", e.Code);
        Assert.Contains("women", e.Bilingual.En);
        await using var ctx = db.CreateDbContext();
        Assert.False(await ctx.SmsOutbox.AnyAsync());
    }

    private static async Task<long> ProductIdAsync(TestDatabase db, string code)
    {
        await using var ctx = db.CreateDbContext();
        return await ctx.Products.Where(p => p.Code == code).Select(p => p.Id).SingleAsync();
    }

    private static async Task<(long AccountId, long ResidentId)> PersonAsync(TestDatabase db, DateOnly birth, Sex sex)
    {
        await using var ctx = db.CreateDbContext();
        var account = new ResidentAccount { PhoneHash = Guid.NewGuid().ToString("N"), PhoneCipher = "cipher", PhoneMasked = "139****0000" };
        var resident = new Resident
        {
            Name = "测试", IdKind = IdDocumentKind.Passport, IdNumberCipher = "x", IdNumberHash = Guid.NewGuid().ToString("N"), IdNumberMasked = "x",
            Sex = sex, BirthDate = birth, Residency = ResidencyKind.Household,
        };
        ctx.AddRange(account, resident);
        await ctx.SaveChangesAsync();
        ctx.FamilyMembers.Add(new FamilyMember { AccountId = account.Id, ResidentId = resident.Id, Relationship = Relationship.Self });
        await ctx.SaveChangesAsync();
        return (account.Id, resident.Id);
    }

    private static async Task<long> SlotAsync(TestDatabase db, string productCode, DateOnly date)
    {
        await using var ctx = db.CreateDbContext();
        var street = await ctx.Streets.FirstAsync();
        var site = new Site { Code = "E-" + Guid.NewGuid().ToString("N")[..6], Name = "资格测试门诊", Kind = SiteKind.Clinic, DistrictCode = street.DistrictCode, StreetCode = street.Code };
        ctx.Sites.Add(site);
        await ctx.SaveChangesAsync();
        var slot = new Slot
        {
            SiteId = site.Id, ProductId = await ctx.Products.Where(p => p.Code == productCode).Select(p => p.Id).SingleAsync(), Date = date,
            StartTime = new TimeOnly(9, 0), EndTime = new TimeOnly(10, 0), Capacity = 5,
        };
        ctx.Slots.Add(slot);
        await ctx.SaveChangesAsync();
        return slot.Id;
    }

    private static async Task<(long OfferId, long EntryId)> OfferAsync(TestDatabase db, long residentId, long accountId, string productCode, DateTimeOffset expires)
    {
        await using var ctx = db.CreateDbContext();
        var productId = await ctx.Products.Where(p => p.Code == productCode).Select(p => p.Id).SingleAsync();
        var campaign = new WaitlistCampaign { ProductId = productId, Name = "测试", Method = AllocationMethod.FirstComeFirstServed, Places = 1 };
        var entry = new WaitlistEntry { ProductId = productId, ResidentId = residentId, AccountId = accountId, RegisteredAt = expires.AddDays(-3), Status = WaitlistStatus.Offered };
        ctx.AddRange(campaign, entry);
        await ctx.SaveChangesAsync();
        var offer = new WaitlistOffer { CampaignId = campaign.Id, EntryId = entry.Id, Rank = 1, OfferedAt = expires.AddHours(-48), ExpiresAt = expires, Status = OfferStatus.Open };
        ctx.Add(offer);
        await ctx.SaveChangesAsync();
        return (offer.Id, entry.Id);
    }
}
