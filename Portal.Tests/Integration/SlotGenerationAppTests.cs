using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Slots;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>The real app: AddSlotManagement wires the generator (and its configuration), and generated slots
/// with a future release time are listed by the resident API as not yet bookable.</summary>
public class SlotGenerationAppTests : IAsyncLifetime
{
    private readonly PortalFactory factory = PortalFactory.Sqlite(new Dictionary<string, string?>
    {
        ["Slots:CapacityFollowsStock"] = "false",
        ["Slots:GenerateDaysAhead"] = "3",
        // The test runs the generator itself; the start-up run could race with the template it adds.
        ["Slots:GenerateInBackground"] = "false",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await factory.DisposeAsync();

    [Fact]
    public async Task Generated_slots_show_in_the_resident_api_and_open_at_their_release_time()
    {
        var client = factory.CreateClient();
        var tomorrow = ChinaTime.Today(TimeProvider.System).AddDays(1);
        var (siteId, productId) = await factory.WithDbAsync(async db =>
        {
            var site = await db.Sites.OrderBy(s => s.Id).FirstAsync(s => s.IsActive);
            var product = await db.Products.FirstAsync(p => p.Code == "PPSV23");
            db.SlotTemplates.Add(new SlotTemplate
            {
                SiteId = site.Id, ProductId = product.Id, Day = tomorrow.DayOfWeek, StartTime = new(19, 0), EndTime = new(20, 0),
                Capacity = 7, ReleaseDaysBefore = 0, ReleaseTime = new(0, 1),
            });
            await db.SaveChangesAsync();
            return (site.Id, product.Id);
        });

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var generator = scope.ServiceProvider.GetRequiredService<SlotGenerator>();
            Assert.Equal(1, await generator.GenerateAsync(siteId));
            Assert.Equal(0, await generator.GenerateAsync(siteId));
        }

        var slots = await client.GetFromJsonAsync<JsonElement>($"/api/v1/sites/{siteId}/slots?from={tomorrow:yyyy-MM-dd}&to={tomorrow:yyyy-MM-dd}&productId={productId}");
        var generated = slots.EnumerateArray().Single(s => s.GetProperty("startTime").GetString()!.StartsWith("19:00"));
        Assert.Equal(7, generated.GetProperty("capacity").GetInt32());
        Assert.False(generated.GetProperty("isBookable").GetBoolean());
        Assert.Equal(ChinaTime.At(tomorrow, new TimeOnly(0, 1)), generated.GetProperty("releaseAt").GetDateTimeOffset());
    }
}
