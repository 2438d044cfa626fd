using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Injections;

namespace Portal.Tests.TestSupport;

/// <summary>Small helpers shared by the resident-services integration tests.</summary>
internal static class ResidentTestKit
{
    private static int _sequence = Random.Shared.Next(100, 400);

    /// <summary>Signs in a new phone and registers its holder; returns the client and resident id.</summary>
    public static async Task<(HttpClient Client, long AccountId, long ResidentId, string IdNumber, string Phone)> NewResidentAsync(
        PortalFactory factory, string name = "王小芳", int ageYears = 35)
    {
        var phone = TestIds.NewPhone();
        var (client, accountId) = await factory.SignInResidentAsync(phone);
        var idNumber = TestIds.ResidentId(DateOnly.FromDateTime(DateTime.Today).AddYears(-ageYears).AddDays(-10), female: true,
            sequence: Interlocked.Increment(ref _sequence));
        var register = await client.PostAsJsonAsync("/api/v1/me/residents", new { name, idKind = "ResidentIdCard", idNumber, relationship = "Self", phone });
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        var residentId = (await register.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("residentId").GetInt64();
        return (client, accountId, residentId, idNumber, phone);
    }

    /// <summary>Records a dose directly in the database (the PDA path is tested elsewhere).</summary>
    public static Task<Injection> AddInjectionAsync(PortalFactory factory, long residentId, string productCode, int dose, DateOnly on) =>
        factory.WithDbAsync(async db =>
        {
            var product = await db.Products.FirstAsync(p => p.Code == productCode);
            var lot = await db.Lots.OrderBy(l => l.Id).FirstAsync(l => l.ProductId == product.Id);
            var site = await db.Sites.OrderBy(s => s.Code).FirstAsync();
            var injection = new Injection
            {
                ResidentId = residentId, ProductId = product.Id, ProgrammeId = product.ProgrammeId, LotId = lot.Id, DoseNumber = dose,
                SiteId = site.Id, DoctorUserId = "test-doctor", InjectedAt = ChinaTime.At(on, new TimeOnly(9, 30)), InjectedOn = on,
                BodySite = "左上臂", DistrictCode = site.DistrictCode, StreetCode = site.StreetCode,
            };
            db.Injections.Add(injection);
            await db.SaveChangesAsync();
            return injection;
        });

    public static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
