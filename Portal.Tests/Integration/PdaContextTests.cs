using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Injections;
using Portal.Core.Vaccines;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>
/// A doctor's PDA token records a dose only in the context of a visit at its own site (a scan or an ID lookup), or
/// against the resident's appointment there today; an override covers eligibility, not impossible histories; and at
/// most one dose of a product per person per day, however many PDAs try at once.
/// </summary>
public abstract class PdaContextTests : PortalOnProvider
{
    private HttpClient _pda = null!;
    private long _siteId;

    protected override async Task ArrangeAsync()
    {
        _pda = await Factory.SignInPdaAsync();
        _siteId = await Factory.WithDbAsync(db => db.Sites.OrderBy(s => s.Code).Select(s => s.Id).FirstAsync());
    }

    private Task<long> LotAsync(string productCode) => Factory.WithDbAsync(async db =>
    {
        var product = await db.Products.SingleAsync(p => p.Code == productCode);
        var lot = new VaccineLot { ProductId = product.Id, BatchNumber = "CTX" + Guid.NewGuid().ToString("N")[..8], ExpiryDate = ChinaTime.Today(TimeProvider.System).AddYears(1) };
        db.Add(lot);
        await db.SaveChangesAsync();
        db.Add(new LotStock { SiteId = _siteId, LotId = lot.Id, OnHand = 20, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return lot.Id;
    });

    private async Task<long> LookupAsync(string idNumber)
    {
        var response = await _pda.PostAsJsonAsync("/api/v1/pda/lookup", new { idKind = "ResidentIdCard", idNumber });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("visitId").GetInt64();
    }

    private Task<int> InjectionsOfAsync(long residentId) => Factory.WithDbAsync(db => db.Injections.CountAsync(i => i.ResidentId == residentId));

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();

    [SkippableFact]
    public async Task Without_a_visit_or_an_appointment_here_today_nothing_is_recorded_or_told()
    {
        SkipUnlessAvailable();
        var person = await ResidentTestKit.NewResidentAsync(Factory, name: "陈某某", ageYears: 65);
        var lotId = await LotAsync("PPSV23");

        var response = await _pda.PostAsJsonAsync("/api/v1/pda/injections", new { residentId = person.ResidentId, lotId, overrideReason = "破例" });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("visit_required", body);
        Assert.DoesNotContain("陈某某", body);
        Assert.Equal(0, await InjectionsOfAsync(person.ResidentId));
    }

    [SkippableFact]
    public async Task A_QR_code_from_a_link_removed_since_it_was_issued_is_refused_like_an_unknown_one()
    {
        SkipUnlessAvailable();
        var parent = await ResidentTestKit.NewResidentAsync(Factory, name: "吴某某");
        var otherPhone = TestIds.NewPhone();
        var (other, otherId) = await Factory.SignInResidentAsync(otherPhone);
        var childId = TestIds.ResidentId(ChinaTime.Today(TimeProvider.System).AddYears(-4), female: false, sequence: 4711);
        var created = await parent.Client.PostAsJsonAsync("/api/v1/me/residents",
            new { name = "吴小宝", idKind = "ResidentIdCard", idNumber = childId, relationship = "Child", phone = otherPhone });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var child = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("residentId").GetInt64();
        Assert.Equal(HttpStatusCode.Created, (await other.PostAsJsonAsync("/api/v1/me/residents",
            new { name = "吴小宝", idKind = "ResidentIdCard", idNumber = childId, relationship = "Other" })).StatusCode); // not a guardian: the parent may remove it
        async Task<string> QrAsync(HttpClient client) =>
            (await client.GetFromJsonAsync<JsonElement>($"/api/v1/me/qr?residentId={child}")).GetProperty("payload").GetString()!;
        var othersCode = await QrAsync(other);
        Assert.Equal(HttpStatusCode.OK, (await _pda.PostAsJsonAsync("/api/v1/pda/scan", new { payload = othersCode })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await parent.Client.DeleteAsync($"/api/v1/me/residents/{child}/accounts/{otherId}")).StatusCode);

        var refused = await _pda.PostAsJsonAsync("/api/v1/pda/scan", new { payload = othersCode });
        await ResidentTestKit.AssertProblemAsync(refused, HttpStatusCode.NotFound);
        Assert.DoesNotContain("吴小宝", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await _pda.PostAsJsonAsync("/api/v1/pda/scan", new { payload = await QrAsync(parent.Client) })).StatusCode);
    }

    [SkippableFact]
    public async Task A_visit_counts_only_for_its_resident_its_site_and_its_time()
    {
        SkipUnlessAvailable();
        var first = await ResidentTestKit.NewResidentAsync(Factory, ageYears: 65);
        var second = await ResidentTestKit.NewResidentAsync(Factory, ageYears: 66);
        var lotId = await LotAsync("PPSV23");
        var visitOfFirst = await LookupAsync(first.IdNumber);

        var otherResident = await _pda.PostAsJsonAsync("/api/v1/pda/injections", new { residentId = second.ResidentId, lotId, visitId = visitOfFirst });
        Assert.Equal("visit_required", await CodeAsync(otherResident));

        var otherSite = await Factory.WithDbAsync(db => db.Sites.OrderBy(s => s.Code).Skip(1).Select(s => s.Id).FirstAsync());
        var elsewhere = await Factory.WithDbAsync(async db =>
        {
            var visit = new Visit { ResidentId = second.ResidentId, SiteId = otherSite, Source = VisitSource.QrScan, StaffUserId = "x",
                StartedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) };
            db.Add(visit);
            await db.SaveChangesAsync();
            return visit.Id;
        });
        Assert.Equal("visit_required", await CodeAsync(await _pda.PostAsJsonAsync("/api/v1/pda/injections", new { residentId = second.ResidentId, lotId, visitId = elsewhere })));

        await Factory.WithDbAsync(db => db.Visits.Where(v => v.Id == visitOfFirst).ExecuteUpdateAsync(v => v.SetProperty(x => x.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1))));
        Assert.Equal("visit_required", await CodeAsync(await _pda.PostAsJsonAsync("/api/v1/pda/injections", new { residentId = first.ResidentId, lotId, visitId = visitOfFirst })));
        Assert.Equal(0, await InjectionsOfAsync(first.ResidentId) + await InjectionsOfAsync(second.ResidentId));
    }

    [SkippableFact]
    public async Task An_id_lookup_opens_a_visit_and_the_record_answers_with_a_masked_name()
    {
        SkipUnlessAvailable();
        var person = await ResidentTestKit.NewResidentAsync(Factory, name: "欧阳小芳", ageYears: 65);
        var lotId = await LotAsync("PPSV23");
        var visitId = await LookupAsync(person.IdNumber);

        var recorded = await _pda.PostAsJsonAsync("/api/v1/pda/injections", new { residentId = person.ResidentId, lotId, visitId });
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        var injection = await recorded.Content.ReadFromJsonAsync<JsonElement>();
        Assert.NotEqual("欧阳小芳", injection.GetProperty("residentName").GetString());
        Assert.StartsWith("欧", injection.GetProperty("residentName").GetString());
        Assert.True(await Factory.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == AuditActions.LookupResident && a.EntityId == person.ResidentId.ToString())));
    }

    [SkippableFact]
    public async Task An_unknown_id_is_not_found_and_the_lookup_is_audited()
    {
        SkipUnlessAvailable();
        var unknown = TestIds.ResidentId(new DateOnly(1950, 1, 2), female: false, sequence: 499);
        var response = await _pda.PostAsJsonAsync("/api/v1/pda/lookup", new { idKind = "ResidentIdCard", idNumber = unknown });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.True(await Factory.WithDbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == AuditActions.LookupResident && a.EntityId == null)));
    }

    [SkippableFact]
    public async Task An_override_does_not_give_a_second_dose_of_a_product_the_same_day_nor_one_past_the_series()
    {
        SkipUnlessAvailable();
        var person = await ResidentTestKit.NewResidentAsync(Factory, ageYears: 65);
        var lotId = await LotAsync("PPSV23");
        var visitId = await LookupAsync(person.IdNumber);
        Assert.Equal(HttpStatusCode.Created, (await _pda.PostAsJsonAsync("/api/v1/pda/injections", new { residentId = person.ResidentId, lotId, visitId })).StatusCode);

        var again = await _pda.PostAsJsonAsync("/api/v1/pda/injections", new { residentId = person.ResidentId, lotId, visitId, overrideReason = "再来一剂" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("dose_already_today", await CodeAsync(again));

        // Yesterday's dose completed the single-dose series: an override cannot write a second one.
        await Factory.WithDbAsync(db => db.Injections.Where(i => i.ResidentId == person.ResidentId)
            .ExecuteUpdateAsync(i => i.SetProperty(x => x.InjectedOn, x => x.InjectedOn.AddDays(-1))));
        var pastSeries = await _pda.PostAsJsonAsync("/api/v1/pda/injections", new { residentId = person.ResidentId, lotId, visitId, overrideReason = "再来一剂" });
        Assert.Equal(HttpStatusCode.Conflict, pastSeries.StatusCode);
        Assert.Equal("not_eligible", await CodeAsync(pastSeries));
        Assert.Equal(1, await InjectionsOfAsync(person.ResidentId));
    }

    [SkippableFact]
    public async Task Two_pdas_recording_the_same_dose_at_once_record_it_once()
    {
        SkipUnlessAvailable();
        var person = await ResidentTestKit.NewResidentAsync(Factory, ageYears: 65);
        var lotId = await LotAsync("PPSV23");
        var visitId = await LookupAsync(person.IdNumber);
        var second = await Factory.SignInPdaAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            (i % 2 == 0 ? _pda : second).PostAsJsonAsync("/api/v1/pda/injections", new { residentId = person.ResidentId, lotId, visitId, overrideReason = "并发" })));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        Assert.Equal(1, await InjectionsOfAsync(person.ResidentId));
    }
}

public sealed class PdaContextOnSqlite : PdaContextTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PdaContextOnPostgreSql : PdaContextTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
