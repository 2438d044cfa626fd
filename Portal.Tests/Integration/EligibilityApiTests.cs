using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Common;
using Portal.Core.Vaccines;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>Over real HTTP: booking a too-young child is 409 with the reasons; the doctor's override is recorded and
/// audited; the schedule endpoints answer (next doses, eligibility, the public children's schedule).</summary>
public sealed class EligibilityApiTests : IAsyncLifetime
{
    private PortalFactory _factory = null!;

    public Task InitializeAsync()
    {
        _factory = PortalFactory.Sqlite();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Too_young_booking_is_refused_and_a_doctors_override_is_recorded_and_audited()
    {
        var slotId = await _factory.CreateTodaySlotAsync(); // COVID inactivated, today, the demo doctor's site
        var (resident, _) = await _factory.SignInResidentAsync(TestIds.NewPhone());
        var today = ChinaTime.Today(TimeProvider.System);
        var birth = today.AddYears(-2);
        var idNumber = TestIds.ResidentId(birth, female: false, sequence: 7);
        var register = await resident.PostAsJsonAsync("/api/v1/me/residents",
            new { name = "王小宝", idKind = "ResidentIdCard", idNumber, relationship = "Child" });
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        var residentId = (await register.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("residentId").GetInt64();

        var book = await resident.PostAsJsonAsync("/api/v1/appointments", new { slotId, residentId });
        Assert.Equal(HttpStatusCode.Conflict, book.StatusCode);
        var problem = await book.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("not_eligible", problem.GetProperty("code").GetString());
        Assert.Contains(birth.AddYears(3).ToString("yyyy-MM-dd"), problem.GetProperty("titleEn").GetString());
        Assert.Contains("最小接种年龄", problem.GetProperty("titleZh").GetString());

        var bibp = await _factory.WithDbAsync(db => db.Products.Where(p => p.Code == "COVID-BIBP").Select(p => p.Id).SingleAsync());
        var answer = await resident.GetFromJsonAsync<JsonElement>($"/api/v1/me/eligibility?residentId={residentId}&productId={bibp}");
        Assert.False(answer.GetProperty("isEligible").GetBoolean());
        Assert.Equal("too_young", answer.GetProperty("reasons")[0].GetProperty("code").GetString());
        var later = await resident.GetFromJsonAsync<JsonElement>(
            $"/api/v1/me/eligibility?residentId={residentId}&productId={bibp}&date={birth.AddYears(3):yyyy-MM-dd}");
        Assert.True(later.GetProperty("isEligible").GetBoolean());

        // The doctor reads the child's ID card at the desk (a walk-in: the booking was refused), then is refused
        // without a reason and recorded and audited with one.
        var pda = await _factory.SignInPdaAsync();
        var lookup = await pda.PostAsJsonAsync("/api/v1/pda/lookup", new { idKind = "ResidentIdCard", idNumber });
        Assert.Equal(HttpStatusCode.OK, lookup.StatusCode);
        var visitId = (await lookup.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("visitId").GetInt64();
        var lotId = await LotAtDoctorsSiteAsync(slotId, bibp);
        var refused = await pda.PostAsJsonAsync("/api/v1/pda/injections", new { residentId, lotId, visitId });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("not_eligible", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var tooLong = await pda.PostAsJsonAsync("/api/v1/pda/injections", new { residentId, lotId, visitId, overrideReason = new string('x', 257) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);

        const string reason = "疫情暴露后紧急接种，经医生评估";
        var recorded = await pda.PostAsJsonAsync("/api/v1/pda/injections", new { residentId, lotId, visitId, overrideReason = reason });
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        var injectionId = (await recorded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var injection = await _factory.WithDbAsync(db => db.Injections.SingleAsync(i => i.Id == injectionId));
        Assert.Equal(reason, injection.EligibilityOverrideReason);
        Assert.Equal(1, injection.DoseNumber);
        var audit = await _factory.WithDbAsync(db => db.AuditEntries.SingleAsync(a => a.Action == AuditActions.EligibilityOverride && a.EntityId == injectionId.ToString()));
        Assert.Contains(reason, audit.Detail);
        Assert.Contains("too_young", audit.Detail);

        // Next doses: the COVID series is started, dose 2 due 21 days later; the children's table is shown for an under-7.
        var next = await resident.GetFromJsonAsync<JsonElement>($"/api/v1/me/next-doses?residentId={residentId}");
        var covid = next.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("seriesGroup").GetString() == "COVID-INACTIVATED");
        Assert.Equal(2, covid.GetProperty("doseNumber").GetInt32());
        Assert.Equal(today.AddDays(21).ToString("yyyy-MM-dd"), covid.GetProperty("dueDate").GetString());
        Assert.False(covid.GetProperty("isOverdue").GetBoolean());
        Assert.Equal(24, next.GetProperty("childSchedule").GetArrayLength());
    }

    [Fact]
    public async Task Schedule_endpoints_answer_and_guard_their_inputs()
    {
        var anonymous = _factory.CreateClient();
        var birth = ChinaTime.Today(TimeProvider.System).AddMonths(-5);
        var schedule = await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/schedules/children?birthDate={birth:yyyy-MM-dd}");
        Assert.Equal(24, schedule.GetArrayLength());
        var ipv1 = schedule.EnumerateArray().Single(i => i.GetProperty("programmeCode").GetString() == "POLIO" && i.GetProperty("doseNumber").GetInt32() == 1);
        Assert.Equal(birth.AddMonths(2).ToString("yyyy-MM-dd"), ipv1.GetProperty("dueDate").GetString());
        Assert.Equal("Overdue", ipv1.GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.GetAsync("/api/v1/schedules/children")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.GetAsync("/api/v1/schedules/children?birthDate=2999-01-01")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.GetAsync("/api/v1/schedules/children?birthDate=yesterday")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/me/next-doses?residentId=1")).StatusCode);

        var (resident, _) = await _factory.SignInResidentAsync(TestIds.NewPhone());
        var someoneElse = await _factory.WithDbAsync(db => db.Residents.Select(r => r.Id).FirstAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await resident.GetAsync($"/api/v1/me/next-doses?residentId={someoneElse}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await resident.GetAsync($"/api/v1/me/eligibility?residentId={someoneElse}&productId=1")).StatusCode);
    }

    private Task<long> LotAtDoctorsSiteAsync(long slotId, long productId) => _factory.WithDbAsync(async db =>
    {
        var siteId = await db.Slots.Where(s => s.Id == slotId).Select(s => s.SiteId).SingleAsync();
        var lot = new VaccineLot { ProductId = productId, BatchNumber = "OVR" + Guid.NewGuid().ToString("N")[..6], ExpiryDate = DateOnly.FromDateTime(DateTime.Today).AddYears(1) };
        db.Add(lot);
        await db.SaveChangesAsync();
        db.Add(new LotStock { SiteId = siteId, LotId = lot.Id, OnHand = 10, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        return lot.Id;
    });
}
