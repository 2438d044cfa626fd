using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Booking;
using Portal.Tests.TestSupport;
using static Portal.Tests.TestSupport.CancelTestKit;

namespace Portal.Tests.Integration;

/// <summary>Cancel frees the place at once, only one's own Booked appointment can be cancelled or moved, a move
/// takes the new place and releases the old one, and a known-full slot is answered from memory.</summary>
public sealed class CancelAndRescheduleTests : IAsyncLifetime
{
    private PortalFactory _factory = null!;

    public Task InitializeAsync()
    {
        _factory = PortalFactory.Sqlite(new Dictionary<string, string?> { ["Booking:SoldOutCacheSeconds"] = "60" });
        _ = _factory.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Cancel_frees_the_place_at_once_for_another_resident()
    {
        var slotId = await SlotAsync(_factory, capacity: 1);
        var a = await ResidentAsync(_factory, 1);
        var b = await ResidentAsync(_factory, 2);
        var appointmentId = await BookAsync(a, slotId);

        var full = await b.Client.PostAsJsonAsync("/api/v1/appointments", new { slotId, residentId = b.ResidentId });
        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        Assert.Equal("slot_full", await CodeAsync(full));

        Assert.Equal(HttpStatusCode.NoContent, (await a.Client.DeleteAsync($"/api/v1/appointments/{appointmentId}?reason=改期")).StatusCode);
        Assert.Equal(0, await BookedAsync(_factory, slotId));
        var cancelled = await _factory.WithDbAsync(db => db.Appointments.AsNoTracking().SingleAsync(x => x.Id == appointmentId));
        Assert.Equal(AppointmentStatus.Cancelled, cancelled.Status);
        Assert.Null(cancelled.ActiveKey);
        Assert.NotNull(cancelled.CancelledAt);
        Assert.Equal("改期", cancelled.CancelReason);
        Assert.True(await _factory.WithDbAsync(db => db.SmsOutbox.AnyAsync(m => m.DedupKey == $"cancel:{appointmentId}")));

        // The sold-out mark (60 s in this class) was cleared by the cancellation.
        await BookAsync(b, slotId);
        Assert.Equal(1, await BookedAsync(_factory, slotId));
        var own = await a.Client.GetFromJsonAsync<JsonElement>($"/api/v1/appointments/{appointmentId}");
        Assert.Equal("Cancelled", own.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Only_ones_own_booked_appointment_can_be_cancelled()
    {
        var slotId = await SlotAsync(_factory, capacity: 5);
        var owner = await ResidentAsync(_factory, 3);
        var stranger = await ResidentAsync(_factory, 4);
        var appointmentId = await BookAsync(owner, slotId);

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Client.GetAsync($"/api/v1/appointments/{appointmentId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Client.DeleteAsync($"/api/v1/appointments/{appointmentId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Client.DeleteAsync("/api/v1/appointments/987654321")).StatusCode);
        Assert.Equal(1, await BookedAsync(_factory, slotId));

        Assert.Equal(HttpStatusCode.NoContent, (await owner.Client.DeleteAsync($"/api/v1/appointments/{appointmentId}")).StatusCode);
        var twice = await owner.Client.DeleteAsync($"/api/v1/appointments/{appointmentId}");
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal("appointment_not_booked", await CodeAsync(twice));
        Assert.Equal(0, await BookedAsync(_factory, slotId));
    }

    [Fact]
    public async Task Reschedule_takes_the_new_place_releases_the_old_and_keeps_the_dose()
    {
        var from = await SlotAsync(_factory, capacity: 5);
        var to = await SlotAsync(_factory, capacity: 1);
        var a = await ResidentAsync(_factory, 5);
        var b = await ResidentAsync(_factory, 6);
        var appointmentId = await BookAsync(a, from);
        var other = await BookAsync(b, from);

        var moved = await a.Client.PostAsJsonAsync($"/api/v1/appointments/{appointmentId}/reschedule", new { slotId = to });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var body = await moved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(to, body.GetProperty("slotId").GetInt64());
        Assert.Equal(1, body.GetProperty("doseNumber").GetInt32());
        Assert.Equal(1, await BookedAsync(_factory, from));
        Assert.Equal(1, await BookedAsync(_factory, to));

        var full = await b.Client.PostAsJsonAsync($"/api/v1/appointments/{other}/reschedule", new { slotId = to });
        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        Assert.Equal("slot_full", await CodeAsync(full));
        Assert.Equal(1, await BookedAsync(_factory, from));
        var unchanged = await _factory.WithDbAsync(db => db.Appointments.AsNoTracking().SingleAsync(x => x.Id == other));
        Assert.Equal(from, unchanged.SlotId);

        Assert.Equal(HttpStatusCode.NotFound, (await b.Client.PostAsJsonAsync($"/api/v1/appointments/{appointmentId}/reschedule", new { slotId = from })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await a.Client.PostAsJsonAsync($"/api/v1/appointments/{appointmentId}/reschedule", new { })).StatusCode);
    }

    [Fact]
    public async Task A_slot_known_to_be_full_is_answered_without_booking()
    {
        var slotId = await SlotAsync(_factory, capacity: 5);
        var a = await ResidentAsync(_factory, 7);
        var cache = _factory.Services.GetRequiredService<SoldOutCache>();

        cache.MarkFull(slotId);
        var refused = await a.Client.PostAsJsonAsync("/api/v1/appointments", new { slotId, residentId = a.ResidentId });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("slot_full", await CodeAsync(refused));
        Assert.Equal(0, await BookedAsync(_factory, slotId));

        cache.Clear(slotId);
        await BookAsync(a, slotId);
        Assert.Equal(1, await BookedAsync(_factory, slotId));
    }
}
