using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Vaccines;
using Portal.Dashboard;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>Two Portal instances on one database and one Redis: a rule edited on one applies to the next booking on
/// the other at once, not after the other's catalogue snapshot expires (60 s).</summary>
public sealed class CatalogueRelayTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [SkippableFact]
    public async Task A_rule_edited_on_one_instance_governs_the_next_booking_on_another()
    {
        Requirements.Redis();
        var redis = await RedisServer.GetConfigurationAsync();
        await using var a = PortalFactory.Sqlite(new Dictionary<string, string?> { ["Redis:Configuration"] = redis });
        var (residentOnA, _, residentId, _, _) = await ResidentTestKit.NewResidentAsync(a, "孙大伟", ageYears: 30);
        // The second instance shares the first's data folder: the same SQLite file and the same keys (tokens, personal data).
        await using var b = PortalFactory.Sqlite(new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = redis,
            ["DataFolder"] = a.DataFolder,
            ["ConnectionStrings:Sqlite"] = SqliteFiles.ConnectionStringFor(Path.Combine(a.DataFolder, "portal.db")),
        });
        var onB = b.CreateClient();
        onB.DefaultRequestHeaders.Authorization = residentOnA.DefaultRequestHeaders.Authorization;
        Assert.Contains(b.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s is RedisCatalogueRelay);

        var slotId = await a.CreateTodaySlotAsync();
        // B books and cancels under the seeded rule (3 years and up): its catalogue snapshot is loaded and fresh.
        var first = await onB.PostAsJsonAsync("/api/v1/appointments", new { slotId, residentId });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var appointmentId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await onB.DeleteAsync($"/api/v1/appointments/{appointmentId}")).StatusCode);

        // A CDC administrator on A raises the minimum age to 40 years.
        var product = await a.WithDbAsync(db => db.Products.AsNoTracking().FirstAsync(p => p.Code == "COVID-BIBP"));
        await using (var scope = a.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<CatalogueRulesService>().UpdateProductAsync(product.Id,
                new ProductRulesInput(480, product.MaxAgeMonthsExclusive, product.RequiredSex, product.IsScarce, product.IsActive), "cdc");

        // Pub/sub is asynchronous: B hears within moments, far inside its 60 s snapshot lifetime.
        var catalogueOfB = b.Services.GetRequiredService<VaccineCatalogue>();
        var deadline = DateTime.UtcNow + Patience;
        while ((await catalogueOfB.GetAsync()).Find(product.Id)!.MinAgeMonths != 480)
        {
            Assert.True(DateTime.UtcNow < deadline, "instance B still serves the old rule");
            await Task.Delay(50);
        }
        var answer = await onB.PostAsJsonAsync("/api/v1/appointments", new { slotId, residentId });
        Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
        Assert.Contains("not_eligible", await answer.Content.ReadAsStringAsync());
        Assert.True(catalogueOfB.MaxAge > Patience, "the test must finish inside B's snapshot lifetime");
    }
}
