using Portal.Core.Booking;
using Portal.Core.Identity;
using Portal.Core.Slots;
using Portal.Tests.TestSupport;
using static Portal.Tests.TestSupport.SlotTestKit;

namespace Portal.Tests.Unit;

public class SlotStockCapacityTests(SlotSqliteFixture fixture) : IClassFixture<SlotSqliteFixture>
{
    private readonly Portal.Tests.TestSupport.TestDatabase db = fixture.Db;

    [Fact]
    public async Task Bookable_first_doses_are_stock_minus_held_back_minus_booked_first_doses()
    {
        var site = await SiteAsync(db);
        var other = await SiteAsync(db, 1);
        var cecolin = await ProductAsync(db, "HPV2-CECOLIN"); // 2 doses at 9–14 y, 3 doses at 15–45 y
        var bibp = await ProductAsync(db, "COVID-BIBP");
        var lot = await LotAsync(db, cecolin.Id, Today.AddDays(100));
        var expired = await LotAsync(db, cecolin.Id, Today.AddDays(-1));
        var otherProductLot = await LotAsync(db, bibp.Id, Today.AddDays(100));
        await StockAsync(db, site.Id, lot.Id, 50);             // counted
        await StockAsync(db, site.Id, expired.Id, 30);         // expired: not counted
        await StockAsync(db, other.Id, lot.Id, 70);            // another site
        await StockAsync(db, site.Id, otherProductLot.Id, 40); // another product

        var child = await ResidentAsync(db, 12);        // dose 1 here, 2-dose series: 1 held back
        await InjectionAsync(db, child.Id, cecolin, lot.Id, site.Id, 1, daysAgo: 30);
        var adult = await ResidentAsync(db, 20);        // dose 1 here, 3-dose series: 2 held back
        await InjectionAsync(db, adult.Id, cecolin, lot.Id, site.Id, 1, daysAgo: 40);
        var adult2 = await ResidentAsync(db, 25);       // doses 1 and 2 here: 1 held back
        await InjectionAsync(db, adult2.Id, cecolin, lot.Id, site.Id, 1, daysAgo: 100);
        await InjectionAsync(db, adult2.Id, cecolin, lot.Id, site.Id, 2, daysAgo: 60);
        var complete = await ResidentAsync(db, 30);     // series complete: 0
        for (var d = 1; d <= 3; d++) await InjectionAsync(db, complete.Id, cecolin, lot.Id, site.Id, d, daysAgo: 200 - d * 50);
        var moved = await ResidentAsync(db, 22);        // latest dose at the other site: 0 here
        await InjectionAsync(db, moved.Id, cecolin, lot.Id, site.Id, 1, daysAgo: 90);
        await InjectionAsync(db, moved.Id, cecolin, lot.Id, other.Id, 2, daysAgo: 20);
        var elsewhere = await ResidentAsync(db, 21);    // only at the other site: 0 here
        await InjectionAsync(db, elsewhere.Id, cecolin, lot.Id, other.Id, 1, daysAgo: 10);

        var slot = await SlotAsync(db, site.Id, cecolin.Id, Today.AddDays(3), capacity: 20, booked: 4);
        var otherSlot = await SlotAsync(db, other.Id, cecolin.Id, Today.AddDays(3), capacity: 20, booked: 1);
        await AppointmentAsync(db, slot, (await ResidentAsync(db, 18)).Id, 1, AppointmentStatus.Booked);     // counted
        await AppointmentAsync(db, slot, (await ResidentAsync(db, 19)).Id, 1, AppointmentStatus.Booked);     // counted
        await AppointmentAsync(db, slot, (await ResidentAsync(db, 19)).Id, 1, AppointmentStatus.Cancelled);  // cancelled
        await AppointmentAsync(db, slot, adult.Id, 2, AppointmentStatus.Booked);                              // not a first dose
        await AppointmentAsync(db, otherSlot, (await ResidentAsync(db, 19)).Id, 1, AppointmentStatus.Booked); // another site

        var service = new StockCapacityService(db, Clock());
        var figure = await service.ForProductAsync(site.Id, cecolin.Id);

        Assert.Equal(50, figure.OnHand);
        Assert.Equal(1 + 2 + 1, figure.HeldBack);
        Assert.Equal(2, figure.BookedFirstDoses);
        Assert.Equal(50 - 4 - 2, figure.BookableFirstDoses);
        Assert.Equal(44, await service.BookableFirstDosesAsync(site.Id, cecolin.Id));

        // The other site: 70 on hand, the "moved" resident's third dose and the "elsewhere" resident's two, one first dose booked.
        Assert.Equal(70 - 1 - 2 - 1, await service.BookableFirstDosesAsync(other.Id, cecolin.Id));

        var perProduct = await service.ForSiteAsync(new StaffScope("city", "cdc", "市疾控", [Roles.CityAdmin], DataScopeKind.City), site.Id);
        Assert.Equal(new[] { cecolin.Id, bibp.Id }.Order(), perProduct.Select(p => p.ProductId));
        Assert.Equal(40, Assert.Single(perProduct, p => p.ProductId == bibp.Id).BookableFirstDoses);
    }

    [Fact]
    public async Task Never_negative()
    {
        var site = await SiteAsync(db);
        var product = await ProductAsync(db, "HZ-SHINGRIX");
        var lot = await LotAsync(db, product.Id, Today.AddDays(100));
        await StockAsync(db, site.Id, lot.Id, 1);
        var slot = await SlotAsync(db, site.Id, product.Id, Today.AddDays(1), capacity: 5, booked: 2);
        await AppointmentAsync(db, slot, (await ResidentAsync(db, 60)).Id, 1, AppointmentStatus.Booked);
        await AppointmentAsync(db, slot, (await ResidentAsync(db, 61)).Id, 1, AppointmentStatus.Booked);

        var figure = await new StockCapacityService(db, Clock()).ForProductAsync(site.Id, product.Id);

        Assert.Equal((1, 2, 0), (figure.OnHand, figure.BookedFirstDoses, figure.BookableFirstDoses));
    }
}
