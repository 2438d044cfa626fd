using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Injections;
using Portal.Core.Statistics;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>The foundation's one path, over real HTTP, on a real SQLite file and a real PostgreSQL:
/// SMS code → token → register → book → QR → PDA login → scan → injection → counters and live event.</summary>
public sealed class EndToEndTests
{
    [Fact]
    public async Task Resident_books_and_doctor_records_the_dose_on_sqlite()
    {
        await using var factory = PortalFactory.Sqlite();
        await RunPathAsync(factory);
    }

    [SkippableFact]
    public async Task Resident_books_and_doctor_records_the_dose_on_postgresql()
    {
        await using var factory = await PortalFactory.PostgreSqlAsync();
        await RunPathAsync(factory);
    }

    private static async Task RunPathAsync(PortalFactory factory)
    {
        var slotId = await factory.CreateTodaySlotAsync();
        var phone = TestIds.NewPhone();
        var (resident, _) = await factory.SignInResidentAsync(phone);

        var idNumber = TestIds.ResidentId(DateOnly.FromDateTime(DateTime.Today).AddYears(-35).AddDays(-10), female: true);
        var register = await resident.PostAsJsonAsync("/api/v1/me/residents", new { name = "王小芳", idKind = "ResidentIdCard", idNumber, relationship = "Self" });
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        var member = await register.Content.ReadFromJsonAsync<JsonElement>();
        var residentId = member.GetProperty("residentId").GetInt64();
        Assert.Equal(Core.Common.Privacy.Masking.MaskIdNumber(idNumber), member.GetProperty("idNumberMasked").GetString());
        Assert.Equal("Female", member.GetProperty("sex").GetString());

        var slots = await resident.GetFromJsonAsync<JsonElement>($"/api/v1/sites/{await SiteOf(factory, slotId)}/slots");
        Assert.Contains(slots.EnumerateArray(), s => s.GetProperty("id").GetInt64() == slotId && s.GetProperty("isBookable").GetBoolean());

        var book = await resident.PostAsJsonAsync("/api/v1/appointments", new { slotId, residentId });
        Assert.Equal(HttpStatusCode.Created, book.StatusCode);
        var appointmentId = (await book.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var qr = await resident.GetFromJsonAsync<JsonElement>($"/api/v1/me/qr?residentId={residentId}");
        var payload = qr.GetProperty("payload").GetString();
        Assert.StartsWith("BVQR1.", payload);

        var pda = await factory.SignInPdaAsync();
        var scan = await pda.PostAsJsonAsync("/api/v1/pda/scan", new { payload });
        Assert.Equal(HttpStatusCode.OK, scan.StatusCode);
        var scanned = await scan.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(residentId, scanned.GetProperty("residentId").GetInt64());
        Assert.Contains(scanned.GetProperty("todaysAppointments").EnumerateArray(), a => a.GetProperty("id").GetInt64() == appointmentId);
        var lotId = scanned.GetProperty("lots").EnumerateArray().First().GetProperty("lotId").GetInt64();
        var visitId = scanned.GetProperty("visitId").GetInt64();

        var before = await TodayCounterAsync(factory);
        var stockBefore = await factory.WithDbAsync(db => db.LotStocks.Where(s => s.LotId == lotId).SumAsync(s => s.OnHand));
        var record = await pda.PostAsJsonAsync("/api/v1/pda/injections", new { residentId, lotId, appointmentId, bodySite = "左上臂三角肌" });
        Assert.Equal(HttpStatusCode.Created, record.StatusCode);
        var injection = await record.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, injection.GetProperty("doseNumber").GetInt32());

        Assert.Equal(before + 1, await TodayCounterAsync(factory));
        Assert.Equal(stockBefore - 1, await factory.WithDbAsync(db => db.LotStocks.Where(s => s.LotId == lotId).SumAsync(s => s.OnHand)));
        var appointment = await factory.WithDbAsync(db => db.Appointments.SingleAsync(a => a.Id == appointmentId));
        Assert.Equal(AppointmentStatus.Completed, appointment.Status);
        Assert.Null(appointment.ActiveKey);
        Assert.True(await factory.WithDbAsync(db => db.Observations.AnyAsync(o => o.InjectionId == injection.GetProperty("id").GetInt64())));

        var bad = await pda.PostAsJsonAsync("/api/v1/pda/injections", new { residentId, lotId = 999999, visitId });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private static Task<long> SiteOf(PortalFactory factory, long slotId) =>
        factory.WithDbAsync(db => db.Slots.Where(s => s.Id == slotId).Select(s => s.SiteId).SingleAsync());

    private static Task<int> TodayCounterAsync(PortalFactory factory)
    {
        var today = ChinaTime.Today(TimeProvider.System);
        return factory.WithDbAsync(db => db.Set<DailyInjectionStat>().Where(s => s.Date == today).SumAsync(s => s.Count));
    }
}
