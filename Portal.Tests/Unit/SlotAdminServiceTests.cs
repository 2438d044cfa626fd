using Microsoft.EntityFrameworkCore;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Slots;
using Portal.Tests.TestSupport;
using static Portal.Tests.TestSupport.SlotTestKit;

namespace Portal.Tests.Unit;

public class SlotAdminServiceTests(SlotSqliteFixture fixture) : IClassFixture<SlotSqliteFixture>
{
    private readonly Portal.Tests.TestSupport.TestDatabase db = fixture.Db;

    [Fact]
    public async Task Scope_limits_admins_to_their_site_or_district()
    {
        var site = await SiteAsync(db);
        var otherDistrictSite = await SiteAsync(db, -1);
        Assert.NotEqual(site.DistrictCode, otherDistrictSite.DistrictCode);
        var product = await ProductAsync(db, "COVID-BIBP");
        var slot = await SlotAsync(db, site.Id, product.Id, Today.AddDays(1), 10);
        var service = new SlotAdminService(db, Clock());

        Assert.Contains(await service.SitesAsync(SiteAdmin(site.Id)), s => s.Id == site.Id);
        Assert.Single(await service.SitesAsync(SiteAdmin(site.Id)));
        Assert.DoesNotContain(await service.SitesAsync(DistrictAdmin(site.DistrictCode)), s => s.Id == otherDistrictSite.Id);
        Assert.Single(await service.ListAsync(DistrictAdmin(site.DistrictCode), site.Id, Today, Today.AddDays(7)));

        var forbidden = await Assert.ThrowsAsync<DomainProblemException>(() => service.ResizeAsync(SiteAdmin(otherDistrictSite.Id), slot.Id, 12, 0));
        Assert.Equal(ProblemKind.Forbidden, forbidden.Kind);
        await Assert.ThrowsAsync<DomainProblemException>(() => service.ListAsync(DistrictAdmin(otherDistrictSite.DistrictCode), site.Id, Today, Today));
        await Assert.ThrowsAsync<DomainProblemException>(() => service.AddClosureAsync(new(null, "", "", [], null), site.Id, Today.AddDays(3), "x"));
    }

    [Fact]
    public async Task Closing_a_day_closes_its_slots_and_keeps_appointments_reopening_undoes_it()
    {
        var site = await SiteAsync(db);
        var product = await ProductAsync(db, "COVID-BIBP");
        var day = Today.AddDays(4);
        var slot = await SlotAsync(db, site.Id, product.Id, day, 10, booked: 1);
        var nextDay = await SlotAsync(db, site.Id, product.Id, day.AddDays(1), 10);
        await AppointmentAsync(db, slot, (await ResidentAsync(db, 40)).Id, 1, AppointmentStatus.Booked);
        var service = new SlotAdminService(db, Clock());

        var closure = await service.AddClosureAsync(SiteAdmin(site.Id), site.Id, day, "设备检修");
        await Assert.ThrowsAsync<DomainValidationException>(() => service.AddClosureAsync(SiteAdmin(site.Id), site.Id, day, "again"));
        await Assert.ThrowsAsync<DomainValidationException>(() => service.AddClosureAsync(SiteAdmin(site.Id), site.Id, day, " "));

        var slots = await SlotsOfAsync(db, site.Id);
        Assert.True(slots.Single(s => s.Id == slot.Id).IsClosed);
        Assert.False(slots.Single(s => s.Id == nextDay.Id).IsClosed);
        await using (var ctx = db.CreateDbContext())
            Assert.Equal(AppointmentStatus.Booked, (await ctx.Appointments.SingleAsync(a => a.SlotId == slot.Id)).Status);
        // A slot added on a closure day is born closed; the generator skips the day.
        var added = await service.AddSlotAsync(City, new NewSlotRequest(site.Id, product.Id, day, new(14, 0), new(16, 0), 5));
        Assert.True(added.IsClosed);
        Assert.Single(await service.ClosuresAsync(City, site.Id));

        await service.RemoveClosureAsync(SiteAdmin(site.Id), closure.Id);
        Assert.All((await SlotsOfAsync(db, site.Id)).Where(s => s.Date == day), s => Assert.False(s.IsClosed));
        Assert.Empty(await service.ClosuresAsync(City, site.Id));
    }

    [Fact]
    public async Task Templates_crud_and_validation()
    {
        var site = await SiteAsync(db);
        var product = await ProductAsync(db, "PPSV23");
        var service = new SlotAdminService(db, Clock());

        var bad = await Assert.ThrowsAsync<DomainValidationException>(() => service.SaveTemplateAsync(City,
            new SlotTemplateInput(null, site.Id, product.Id, DayOfWeek.Monday, new(10, 0), new(9, 0), 0)));
        Assert.Equal(["capacity", "endTime"], bad.Errors.Select(e => e.Field).Order());

        var created = await service.SaveTemplateAsync(City, new(null, site.Id, product.Id, DayOfWeek.Monday, new(8, 0), new(11, 0), 30, 7, new(10, 0)));
        var updated = await service.SaveTemplateAsync(City, new(created.Id, site.Id, product.Id, DayOfWeek.Tuesday, new(8, 0), new(11, 0), 25, null, new(10, 0), false));
        var listed = Assert.Single(await service.TemplatesAsync(City, site.Id));
        Assert.Equal((DayOfWeek.Tuesday, 25, (int?)null, (TimeOnly?)null, false), (listed.Day, listed.Capacity, listed.ReleaseDaysBefore, listed.ReleaseTime, listed.IsActive));
        Assert.Equal(created.Id, updated.Id);

        await service.DeleteTemplateAsync(City, created.Id);
        Assert.Empty(await service.TemplatesAsync(City, site.Id));
    }

    [Fact]
    public async Task Add_slot_validates_input()
    {
        var site = await SiteAsync(db);
        var product = await ProductAsync(db, "PPSV23");
        var service = new SlotAdminService(db, Clock());

        var bad = await Assert.ThrowsAsync<DomainValidationException>(() =>
            service.AddSlotAsync(City, new NewSlotRequest(site.Id, product.Id, Today.AddDays(-1), new(9, 0), new(8, 0), 0)));
        Assert.Equal(["capacity", "date", "endTime"], bad.Errors.Select(e => e.Field).Order());
        await Assert.ThrowsAsync<DomainValidationException>(() =>
            service.AddSlotAsync(City, new NewSlotRequest(site.Id, 999_999, Today, new(8, 0), new(9, 0), 5)));

        var added = await service.AddSlotAsync(City, new NewSlotRequest(site.Id, product.Id, Today, new(8, 0), new(9, 0), 5));
        Assert.Equal((5, 0, 0, false), (added.Capacity, added.Booked, added.Version, added.IsClosed));
    }
}
