using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Slots;

namespace Portal.Tests.TestSupport;

/// <summary>Shared steps of the cancel, idempotency and rate-limit tests: a signed-in resident with a registered
/// person, and a fresh COVID slot today at the first demo site.</summary>
internal static class CancelTestKit
{
    public sealed record Person(HttpClient Client, long AccountId, long ResidentId);

    public static async Task<Person> ResidentAsync(PortalFactory factory, int sequence)
    {
        var (client, accountId) = await factory.SignInResidentAsync(TestIds.NewPhone());
        var idNumber = TestIds.ResidentId(DateOnly.FromDateTime(DateTime.Today).AddYears(-30).AddDays(-sequence), female: sequence % 2 == 0,
            sequence: Random.Shared.Next(1, 499));
        var register = await client.PostAsJsonAsync("/api/v1/me/residents", new { name = "测试" + TestIds.ChineseDigits(sequence), idKind = "ResidentIdCard", idNumber, relationship = "Self" });
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        var residentId = (await register.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("residentId").GetInt64();
        return new Person(client, accountId, residentId);
    }

    public static Task<long> SlotAsync(PortalFactory factory, int capacity) =>
        factory.WithDbAsync(async db =>
        {
            var site = await db.Sites.OrderBy(s => s.Code).FirstAsync();
            var product = await db.Products.FirstAsync(p => p.Code == "COVID-BIBP");
            var slot = new Slot
            {
                SiteId = site.Id, ProductId = product.Id, Date = ChinaTime.Today(TimeProvider.System), StartTime = new TimeOnly(0, 0),
                EndTime = new TimeOnly(23, 59), Capacity = capacity,
            };
            db.Slots.Add(slot);
            await db.SaveChangesAsync();
            return slot.Id;
        });

    public static Task<int> BookedAsync(PortalFactory factory, long slotId) =>
        factory.WithDbAsync(db => db.Slots.AsNoTracking().Where(s => s.Id == slotId).Select(s => s.Booked).SingleAsync());

    public static async Task<long> BookAsync(Person person, long slotId)
    {
        var response = await person.Client.PostAsJsonAsync("/api/v1/appointments", new { slotId, residentId = person.ResidentId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    public static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("code", out var code) ? code.GetString() : null;
}
