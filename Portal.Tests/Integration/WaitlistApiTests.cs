using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Waitlist;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>The waitlist over real HTTP: register, read the position, refuse a duplicate, get an offer from a draw,
/// and accept it by booking with it.</summary>
public sealed class WaitlistApiTests : IAsyncLifetime
{
    private PortalFactory _factory = null!;

    public Task InitializeAsync()
    {
        _factory = PortalFactory.Sqlite();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Register_read_position_get_an_offer_and_book_with_it()
    {
        var productId = await _factory.WithDbAsync(db => db.Products.Where(p => p.Code == "HPV9-GARDASIL9").Select(p => p.Id).SingleAsync());
        var (first, _, firstResident, _, _) = await ResidentTestKit.NewResidentAsync(_factory);
        var (second, _, secondResident, _, _) = await ResidentTestKit.NewResidentAsync(_factory, "李四");

        var created = await first.PostAsJsonAsync("/api/v1/waitlist", new { residentId = firstResident, productId });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var entry = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Waiting", entry.GetProperty("status").GetString());
        var firstPosition = entry.GetProperty("position").GetInt32();
        Assert.Equal(HttpStatusCode.Created, (await second.PostAsJsonAsync("/api/v1/waitlist", new { residentId = secondResident, productId })).StatusCode);

        var mine = await second.GetFromJsonAsync<JsonElement>("/api/v1/waitlist");
        Assert.Equal(firstPosition + 1, mine[0].GetProperty("position").GetInt32());
        Assert.Equal(JsonValueKind.Null, mine[0].GetProperty("offer").ValueKind);

        await ResidentTestKit.AssertProblemAsync(await first.PostAsJsonAsync("/api/v1/waitlist", new { residentId = firstResident, productId }), HttpStatusCode.Conflict);
        await ResidentTestKit.AssertProblemAsync(await second.PostAsJsonAsync("/api/v1/waitlist", new { residentId = firstResident, productId }), HttpStatusCode.NotFound);
        await ResidentTestKit.AssertProblemAsync(await first.PostAsJsonAsync("/api/v1/waitlist", new { residentId = firstResident }), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _factory.CreateClient().GetAsync("/api/v1/waitlist")).StatusCode);

        // A staff draw of enough places for everyone waiting: the resident sees the offer and books with it.
        await using (var scope = _factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<AllocationService>()
                .CreateAndDrawAsync(WaitlistScopes.City, new CampaignRequest(productId, 1000, AllocationMethod.FirstComeFirstServed));
        var offered = (await first.GetFromJsonAsync<JsonElement>("/api/v1/waitlist"))[0];
        Assert.Equal("Offered", offered.GetProperty("status").GetString());
        var offerId = offered.GetProperty("offer").GetProperty("id").GetInt64();

        var today = ChinaTime.Today(TimeProvider.System);
        var slotId = await _factory.WithDbAsync(db => db.Slots.Where(s => s.ProductId == productId && s.Date > today && s.Booked < s.Capacity && !s.IsClosed)
            .OrderBy(s => s.Id).Select(s => s.Id).FirstAsync());
        await ResidentTestKit.AssertProblemAsync(await first.PostAsJsonAsync("/api/v1/appointments", new { slotId, residentId = firstResident }), HttpStatusCode.Conflict);
        var booked = await first.PostAsJsonAsync("/api/v1/appointments", new { slotId, residentId = firstResident, offerId });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        Assert.Equal("Booked", (await first.GetFromJsonAsync<JsonElement>("/api/v1/waitlist"))[0].GetProperty("status").GetString());

        // The other one declines: 204, then the entry is closed.
        var secondOffer = (await second.GetFromJsonAsync<JsonElement>("/api/v1/waitlist"))[0].GetProperty("offer").GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await second.PostAsync($"/api/v1/waitlist/offers/{secondOffer}/decline", null)).StatusCode);
        Assert.Equal("Declined", (await second.GetFromJsonAsync<JsonElement>("/api/v1/waitlist"))[0].GetProperty("status").GetString());
        await ResidentTestKit.AssertProblemAsync(await second.PostAsync($"/api/v1/waitlist/offers/{secondOffer}/decline", null), HttpStatusCode.Conflict);
    }
}
