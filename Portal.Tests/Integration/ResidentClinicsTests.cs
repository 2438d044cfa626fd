using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Content;
using Portal.Data;
using Portal.Tests.TestSupport;
using Portal.Core.Slots;

namespace Portal.Tests.Integration;

/// <summary>门诊查询, 疫苗知识, 公告 and 疫苗追溯 over real HTTP (anonymous endpoints).</summary>
public abstract class ResidentClinicsTests : PortalOnProvider
{
    private HttpClient _client = null!;

    protected override Task ArrangeAsync()
    {
        _client = Factory.CreateClient();
        return Task.CompletedTask;
    }

    [SkippableFact]
    public async Task Clinics_by_district_and_vaccine_show_hours_announcements_and_bookable_slots()
    {
        SkipUnlessAvailable();
        var (siteId, district, street, productId, otherSiteId) = await Factory.WithDbAsync(async db =>
        {
            var sites = await db.Sites.OrderBy(s => s.Code).ToListAsync();
            var site = sites[0];
            var other = sites.First(s => s.DistrictCode != site.DistrictCode);
            var product = await db.Products.FirstAsync(p => p.Code == "COVID-BIBP");
            var today = ChinaTime.Today(TimeProvider.System);
            db.Slots.Add(new Slot { SiteId = site.Id, ProductId = product.Id, Date = today.AddDays(2), StartTime = new(8, 0), EndTime = new(11, 0), Capacity = 3 });
            // Full, closed and too-far slots do not count.
            db.Slots.Add(new Slot { SiteId = other.Id, ProductId = product.Id, Date = today.AddDays(2), StartTime = new(8, 0), EndTime = new(11, 0), Capacity = 3, Booked = 3 });
            db.Slots.Add(new Slot { SiteId = other.Id, ProductId = product.Id, Date = today.AddDays(3), StartTime = new(8, 0), EndTime = new(11, 0), Capacity = 3, IsClosed = true });
            db.Slots.Add(new Slot { SiteId = other.Id, ProductId = product.Id, Date = today.AddDays(20), StartTime = new(8, 0), EndTime = new(11, 0), Capacity = 3 });
            var now = DateTimeOffset.UtcNow;
            db.Announcements.AddRange(
                new Announcement { Title = "本区公告", Body = "b", DistrictCode = site.DistrictCode, PublishedAt = now.AddHours(-1) },
                new Announcement { Title = "本点公告", Body = "b", SiteId = site.Id, PublishedAt = now.AddHours(-1) },
                new Announcement { Title = "过期公告", Body = "b", SiteId = site.Id, PublishedAt = now.AddDays(-3), ExpiresAt = now.AddDays(-1) },
                new Announcement { Title = "内部通知", Body = "b", SiteId = site.Id, PublishedAt = now.AddHours(-1), Audience = AnnouncementAudience.Staff });
            await db.SaveChangesAsync();
            return (site.Id, site.DistrictCode, site.StreetCode, product.Id, other.Id);
        });

        var list = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/clinics?district={district}&productId={productId}");
        var clinic = list.EnumerateArray().Single(c => c.GetProperty("id").GetInt64() == siteId);
        Assert.All(list.EnumerateArray(), c => Assert.Equal(district, c.GetProperty("districtCode").GetString()));
        Assert.True(clinic.GetProperty("hasBookableSlots").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, clinic.GetProperty("nextBookableDate").ValueKind);
        Assert.True(clinic.GetProperty("openingHours").GetArrayLength() > 0);
        var titles = clinic.GetProperty("announcements").EnumerateArray().Select(a => a.GetProperty("title").GetString()).ToList();
        Assert.Contains("本区公告", titles);
        Assert.Contains("本点公告", titles);
        Assert.DoesNotContain("过期公告", titles);
        Assert.DoesNotContain("内部通知", titles);

        var other = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/clinics/{otherSiteId}?productId={productId}");
        Assert.False(other.GetProperty("hasBookableSlots").GetBoolean());
        var byStreet = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/clinics?street={street}");
        Assert.Contains(byStreet.EnumerateArray(), c => c.GetProperty("id").GetInt64() == siteId);
        Assert.Equal(JsonValueKind.Null, byStreet[0].GetProperty("hasBookableSlots").ValueKind);

        await ResidentTestKit.AssertProblemAsync(await _client.GetAsync("/api/v1/clinics?district=999999"), HttpStatusCode.NotFound);
        await ResidentTestKit.AssertProblemAsync(await _client.GetAsync("/api/v1/clinics?productId=987654"), HttpStatusCode.NotFound);
        await ResidentTestKit.AssertProblemAsync(await _client.GetAsync("/api/v1/clinics/987654"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetAsync("/api/v1/clinics?productId=abc")).StatusCode);

        var announcements = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/announcements?siteId={siteId}");
        var all = announcements.EnumerateArray().Select(a => a.GetProperty("title").GetString()).ToList();
        Assert.Contains("九价HPV疫苗登记排队说明", all); // the city-wide demo announcement
        Assert.Contains("本区公告", all);
        Assert.Contains("本点公告", all);
        var elsewhere = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/announcements?siteId={otherSiteId}");
        Assert.DoesNotContain(elsewhere.EnumerateArray(), a => a.GetProperty("title").GetString() == "本点公告");
        await ResidentTestKit.AssertProblemAsync(await _client.GetAsync("/api/v1/announcements?siteId=987654"), HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task Site_list_and_clinic_finder_list_the_same_sites_by_one_rule()
    {
        SkipUnlessAvailable();
        var (district, ended, closed) = await Factory.WithDbAsync(async db =>
        {
            var sites = await db.Sites.Where(s => s.IsActive).OrderBy(s => s.Code).ToListAsync();
            var districtCode = sites[0].DistrictCode;
            var inDistrict = sites.Where(s => s.DistrictCode == districtCode).ToList();
            Assert.True(inDistrict.Count >= 1);
            // A temporary site whose last day has passed, and one switched off: neither is listed by either endpoint.
            var yesterday = ChinaTime.Today(TimeProvider.System).AddDays(-1);
            var template = inDistrict[0];
            var endedSite = new Portal.Core.Sites.Site { Code = "T-ENDED", Name = "已结束临时点", DistrictCode = districtCode, StreetCode = template.StreetCode,
                Address = "a", Kind = Portal.Core.Sites.SiteKind.Temporary, ActiveTo = yesterday };
            var closedSite = new Portal.Core.Sites.Site { Code = "T-OFF", Name = "已停用接种点", DistrictCode = districtCode, StreetCode = template.StreetCode,
                Address = "a", Kind = Portal.Core.Sites.SiteKind.Clinic, IsActive = false };
            db.Sites.AddRange(endedSite, closedSite);
            await db.SaveChangesAsync();
            return (districtCode, endedSite.Id, closedSite.Id);
        });

        var list = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/sites?district={district}");
        var finder = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/clinics?district={district}");
        var listed = list.EnumerateArray().Select(s => s.GetProperty("id").GetInt64()).Order().ToList();
        var found = finder.EnumerateArray().Select(s => s.GetProperty("id").GetInt64()).Order().ToList();
        Assert.NotEmpty(listed);
        Assert.Equal(listed, found);
        Assert.DoesNotContain(ended, listed);
        Assert.DoesNotContain(closed, listed);
        await ResidentTestKit.AssertProblemAsync(await _client.GetAsync($"/api/v1/clinics/{ended}"), HttpStatusCode.NotFound);
        // An unknown district is a 404 on both (the plain list answered an empty 200 before they shared the rule).
        await ResidentTestKit.AssertProblemAsync(await _client.GetAsync("/api/v1/sites?district=999999"), HttpStatusCode.NotFound);
        await ResidentTestKit.AssertProblemAsync(await _client.GetAsync("/api/v1/clinics?district=999999"), HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task Knowledge_articles_by_programme()
    {
        SkipUnlessAvailable();
        var list = await _client.GetFromJsonAsync<JsonElement>("/api/v1/knowledge?programme=PPSV23");
        Assert.True(list.GetArrayLength() >= 1);
        var id = list[0].GetProperty("id").GetInt64();
        Assert.Contains("老年人", list[0].GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        var article = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/knowledge/{id}");
        Assert.False(string.IsNullOrEmpty(article.GetProperty("body").GetString()));
        Assert.Equal(0, (await _client.GetFromJsonAsync<JsonElement>("/api/v1/knowledge?programme=NOPE")).GetArrayLength());
        await ResidentTestKit.AssertProblemAsync(await _client.GetAsync("/api/v1/knowledge/987654"), HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task Traceability_finds_a_lot_by_batch_number_or_pack_code()
    {
        SkipUnlessAvailable();
        var lot = await Factory.WithDbAsync(db => db.Lots.Include(l => l.Product).OrderBy(l => l.Id).FirstAsync());
        var byBatch = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/traceability?code={lot.BatchNumber}");
        Assert.Equal(lot.Id, byBatch.GetProperty("lotId").GetInt64());
        Assert.Equal(lot.Product!.Maker, byBatch.GetProperty("maker").GetString());
        Assert.Equal(lot.BatchReleaseCertificate, byBatch.GetProperty("batchReleaseCertificate").GetString());
        Assert.Equal(lot.ExpiryDate.ToString("yyyy-MM-dd"), byBatch.GetProperty("expiryDate").GetString());

        var byPack = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/traceability?code={lot.TraceabilityCode}12345678");
        Assert.Equal(lot.Id, byPack.GetProperty("lotId").GetInt64());

        await ResidentTestKit.AssertProblemAsync(await _client.GetAsync("/api/v1/traceability?code=NO-SUCH-LOT"), HttpStatusCode.NotFound);
        await ResidentTestKit.AssertProblemAsync(await _client.GetAsync("/api/v1/traceability"), HttpStatusCode.BadRequest);
    }
}

public sealed class ResidentClinicsOnSqliteTests : ResidentClinicsTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class ResidentClinicsOnPostgreSqlTests : ResidentClinicsTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
