using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Archives;
using Portal.Core.Common;
using Portal.Core.Identity;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>档案绑定, 自助建档 and 迁档: resident requests over HTTP, site review through the service the console page uses.</summary>
public abstract class ResidentArchivesTests : PortalOnProvider
{
    private long _siteA, _siteB;
    private string _districtA = "", _districtB = "";

    protected override async Task ArrangeAsync()
    {
        (_siteA, _districtA, _siteB, _districtB) = await Factory.WithDbAsync(async db =>
        {
            var sites = await db.Sites.OrderBy(s => s.Code).ToListAsync();
            var b = sites.First(s => s.DistrictCode != sites[0].DistrictCode);
            return (sites[0].Id, sites[0].DistrictCode, b.Id, b.DistrictCode);
        });
    }

    private static StaffScope SiteAdmin(long siteId, string district) =>
        new("admin-" + siteId, "clinic", "clinic", [Roles.SiteAdmin], DataScopeKind.Site, district, siteId);

    private static readonly StaffScope City = new("cdc", "cdc", "cdc", [Roles.CityAdmin], DataScopeKind.City);

    private async Task<T> WithArchivesAsync<T>(Func<ArchiveService, Task<T>> work)
    {
        using var scope = Factory.Services.CreateScope();
        return await work(scope.ServiceProvider.GetRequiredService<ArchiveService>());
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string url, object body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await client.PostAsJsonAsync(url, body);
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [SkippableFact]
    public async Task Create_is_reviewed_by_the_chosen_site_then_transfer_rejected_and_approved()
    {
        SkipUnlessAvailable();
        var (client, _, residentId, _, _) = await ResidentTestKit.NewResidentAsync(Factory);
        var created = await PostAsync(client, "/api/v1/me/archives/requests", new { residentId, kind = "Create", siteId = _siteA });
        Assert.Equal("Pending", created.GetProperty("status").GetString());
        var requestId = created.GetProperty("id").GetInt64();
        await PostAsync(client, "/api/v1/me/archives/requests", new { residentId, kind = "Create", siteId = _siteA }, HttpStatusCode.Conflict);

        // Another site's admin neither sees nor approves it; the chosen site's admin does.
        Assert.DoesNotContain(await WithArchivesAsync(a => a.ListForReviewAsync(SiteAdmin(_siteB, _districtB), null)), r => r.Id == requestId);
        var denied = await Assert.ThrowsAsync<DomainProblemException>(() => WithArchivesAsync(a => a.ApproveAsync(SiteAdmin(_siteB, _districtB), requestId)));
        Assert.Equal(ProblemKind.NotFound, denied.Kind);
        Assert.Contains(await WithArchivesAsync(a => a.ListForReviewAsync(SiteAdmin(_siteA, _districtA), ArchiveRequestStatus.Pending)), r => r.Id == requestId);
        var approved = await WithArchivesAsync(a => a.ApproveAsync(SiteAdmin(_siteA, _districtA), requestId));
        Assert.Equal(ArchiveRequestStatus.Approved, approved.Status);
        Assert.Matches($"^{_districtA}\\d{{10}}$", approved.ArchiveNumber!);
        await Assert.ThrowsAsync<DomainProblemException>(() => WithArchivesAsync(a => a.ApproveAsync(City, requestId)));

        // Transfer to site B: B's district admin rejects with a reason the resident sees.
        var transfer = await PostAsync(client, "/api/v1/me/archives/requests", new { residentId, kind = "Transfer", siteId = _siteB });
        Assert.Equal(_siteA, transfer.GetProperty("fromSiteId").GetInt64());
        var district = new StaffScope("d", "d", "d", [Roles.DistrictAdmin], DataScopeKind.District, _districtB);
        var invalid = await Assert.ThrowsAsync<DomainValidationException>(() => WithArchivesAsync(a => a.RejectAsync(district, transfer.GetProperty("id").GetInt64(), " ")));
        Assert.Equal("reason", invalid.Errors[0].Field);
        await WithArchivesAsync(a => a.RejectAsync(district, transfer.GetProperty("id").GetInt64(), "请携带户口本到现场办理"));
        var mine = await client.GetFromJsonAsync<JsonElement>("/api/v1/me/archives/requests");
        var rejected = mine.EnumerateArray().Single(r => r.GetProperty("id").GetInt64() == transfer.GetProperty("id").GetInt64());
        Assert.Equal("Rejected", rejected.GetProperty("status").GetString());
        Assert.Equal("请携带户口本到现场办理", rejected.GetProperty("rejectReason").GetString());

        var again = await PostAsync(client, "/api/v1/me/archives/requests", new { residentId, kind = "Transfer", siteId = _siteB });
        await WithArchivesAsync(a => a.ApproveAsync(City, again.GetProperty("id").GetInt64()));
        var archive = await Factory.WithDbAsync(db => db.Archives.SingleAsync(a => a.ResidentId == residentId));
        Assert.Equal(_siteB, archive.ManagingSiteId);
        await PostAsync(client, "/api/v1/me/archives/requests", new { residentId, kind = "Transfer", siteId = _siteB }, HttpStatusCode.BadRequest);
    }

    [SkippableFact]
    public async Task Binding_is_automatic_only_when_id_name_and_phone_all_match()
    {
        SkipUnlessAvailable();
        var (client, _, residentId, idNumber, phone) = await ResidentTestKit.NewResidentAsync(Factory, "陈静");
        var number = _districtA + "0000012345";
        await Factory.WithDbAsync(async db =>
        {
            db.Archives.Add(new VaccinationArchive { ResidentId = residentId, ArchiveNumber = number, ManagingSiteId = _siteA, Status = ArchiveStatus.Active });
            return await db.SaveChangesAsync();
        });

        var wrongPhone = await PostAsync(client, "/api/v1/me/archives/bind", new { residentId, idNumber, name = "陈静", phone = TestIds.NewPhone() });
        Assert.Equal("Pending", wrongPhone.GetProperty("status").GetString());
        Assert.Equal(_siteA, wrongPhone.GetProperty("toSiteId").GetInt64());
        await PostAsync(client, "/api/v1/me/archives/bind", new { residentId, archiveNumber = number }, HttpStatusCode.Conflict);
        await WithArchivesAsync(a => a.RejectAsync(City, wrongPhone.GetProperty("id").GetInt64(), "信息不符"));

        var match = await PostAsync(client, "/api/v1/me/archives/bind", new { residentId, idNumber = idNumber.ToLowerInvariant(), name = "陈静", phone });
        Assert.Equal("Approved", match.GetProperty("status").GetString());
        Assert.Equal(number, match.GetProperty("archiveNumber").GetString());
    }

    [SkippableFact]
    public async Task Bad_input_and_other_peoples_residents_get_4xx()
    {
        SkipUnlessAvailable();
        var (client, _, residentId, _, _) = await ResidentTestKit.NewResidentAsync(Factory);
        var (stranger, _, _, _, _) = await ResidentTestKit.NewResidentAsync(Factory, "李四");
        await PostAsync(client, "/api/v1/me/archives/bind", new { residentId }, HttpStatusCode.BadRequest);
        await PostAsync(client, "/api/v1/me/archives/bind", new { residentId, archiveNumber = "999999" }, HttpStatusCode.NotFound);
        await PostAsync(stranger, "/api/v1/me/archives/requests", new { residentId, kind = "Create", siteId = _siteA }, HttpStatusCode.NotFound);
        await PostAsync(client, "/api/v1/me/archives/requests", new { residentId, kind = "Create", siteId = 987654 }, HttpStatusCode.NotFound);
        await PostAsync(client, "/api/v1/me/archives/requests", new { residentId, kind = "Bind", siteId = _siteA }, HttpStatusCode.BadRequest);
        await PostAsync(client, "/api/v1/me/archives/requests", new { residentId, kind = "Transfer", siteId = _siteA }, HttpStatusCode.NotFound);
        await PostAsync(client, "/api/v1/me/archives/requests", new { residentId = "x", kind = "Create" }, HttpStatusCode.BadRequest);
        Assert.Empty((await stranger.GetFromJsonAsync<JsonElement>("/api/v1/me/archives/requests")).EnumerateArray());
    }
}

public sealed class ResidentArchivesOnSqliteTests : ResidentArchivesTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class ResidentArchivesOnPostgreSqlTests : ResidentArchivesTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
