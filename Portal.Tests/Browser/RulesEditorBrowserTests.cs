using Portal.Core.Auditing;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Browser;

/// <summary>A CDC administrator raises a vaccine's minimum age in a real Chromium; the very next booking on the same
/// server is judged by the new rule (the in-memory catalogue was refreshed), and the change is in the audit log.</summary>
public sealed class RulesEditorBrowserTests
{
    [SkippableFact]
    public async Task Cdc_admin_changes_the_minimum_age_and_the_next_booking_follows_it()
    {
        Requirements.Chromium();
        await using var factory = PortalFactory.Sqlite();
        var baseUrl = factory.StartOnLoopback();
        var productId = await factory.WithDbAsync(db => db.Products.Where(p => p.Code == "COVID-BIBP").Select(p => p.Id).FirstAsync());

        // A 30-year-old resident and a slot: bookable under the seeded rule (3 years and up).
        var slotId = await factory.CreateTodaySlotAsync();
        var (resident, _, residentId, _, _) = await ResidentTestKit.NewResidentAsync(factory, "钱小红", ageYears: 30);
        // Booked and cancelled under the old rule: the server's catalogue is loaded and cached before the edit.
        var first = await resident.PostAsJsonAsync("/api/v1/appointments", new { slotId, residentId });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var appointmentId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await resident.DeleteAsync($"/api/v1/appointments/{appointmentId}")).StatusCode);

        var (playwright, browser) = await Chromium.LaunchAsync();
        try
        {
            var page = await (await browser.NewContextAsync(new() { BaseURL = baseUrl })).NewPageAsync();
            await Chromium.SignInToConsoleAsync(page, "cdc");

            // The list links to the editor (a click during the circuit's start-up can be lost, so the test follows the link's address).
            await page.GotoAsync("/vaccines");
            var link = page.Locator($"a.rules-link[href='/vaccines/{productId}/rules']");
            await link.WaitForAsync(new() { Timeout = 30_000 });
            await page.GotoAsync((await link.GetAttributeAsync("href"))!);
            await page.Locator("#rules-form[data-ready=true]").WaitForAsync(new() { Timeout = 30_000 });
            await page.FillAsync("#rules-min-age", "480");
            await page.Locator("#rules-min-age").BlurAsync();
            await page.ClickAsync("#rules-save-product");
            await page.Locator("#rules-message").GetByText("已保存").WaitForAsync(new() { Timeout = 30_000 });
            await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ArtifactsDirectory, "vaccine-rules.png"), FullPage = true });
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }

        var refused = await resident.PostAsJsonAsync("/api/v1/appointments", new { slotId, residentId });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("not_eligible", await refused.Content.ReadAsStringAsync());
        var audit = await factory.WithDbAsync(db => db.AuditEntries.Where(a => a.Action == AuditActions.CatalogueProductRules).Select(a => a.UserName).ToListAsync());
        Assert.Equal(["cdc"], audit);
    }
}
