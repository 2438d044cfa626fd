using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>Bad input gets a 4xx ProblemDetails with a field-level message in Chinese and English, never a 500.</summary>
public sealed class ApiBadInputTests : IAsyncLifetime
{
    private readonly PortalFactory _factory = PortalFactory.Sqlite();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Theory]
    [InlineData("12345", "手机号")]
    [InlineData("", "手机号")]
    [InlineData("23812345678", "手机号")]
    public async Task Sms_code_rejects_invalid_phone_numbers_with_a_bilingual_field_message(string phone, string zhFragment)
    {
        var problem = await ProblemAsync(await _factory.CreateClient().PostAsJsonAsync("/api/v1/auth/sms-code", new { phone }), HttpStatusCode.BadRequest);
        var message = problem.GetProperty("errors").GetProperty("phone")[0].GetString()!;
        Assert.Contains(zhFragment, message);
        Assert.Matches("[A-Za-z]{4,}", message);
    }

    [Fact]
    public async Task Malformed_json_and_wrong_types_are_400_not_500()
    {
        var client = _factory.CreateClient();
        var broken = await client.PostAsync("/api/v1/auth/sms-code", new StringContent("{\"phone\": ", Encoding.UTF8, "application/json"));
        await ProblemAsync(broken, HttpStatusCode.BadRequest);
        var wrongType = await client.PostAsync("/api/v1/auth/token", new StringContent("{\"phone\": 13800000000, \"code\": [1]}", Encoding.UTF8, "application/json"));
        var problem = await ProblemAsync(wrongType, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task Wrong_sms_code_is_refused_and_a_second_code_within_a_minute_is_429()
    {
        var client = _factory.CreateClient();
        var phone = TestIds.NewPhone();
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/v1/auth/sms-code", new { phone })).StatusCode);
        var again = await client.PostAsJsonAsync("/api/v1/auth/sms-code", new { phone });
        await ProblemAsync(again, HttpStatusCode.TooManyRequests);
        Assert.NotNull(again.Headers.RetryAfter);

        var code = _factory.LatestSmsCode(phone);
        var wrong = code == "000000" ? "111111" : "000000";
        var problem = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/auth/token", new { phone, code = wrong }), HttpStatusCode.BadRequest);
        Assert.Contains("验证码错误", problem.GetProperty("errors").GetProperty("code")[0].GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/auth/token", new { phone, code })).StatusCode);
        // A code is single-use.
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/auth/token", new { phone, code }), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("ResidentIdCard", "110105194912310021", "idNumber")]   // wrong check digit
    [InlineData("ResidentIdCard", "31010419900230123X", "idNumber")]   // 30 February
    [InlineData("HongKongMacauPermit", "X1234567", "idNumber")]
    [InlineData("Passport", "E1", "idNumber")]
    public async Task Invalid_identity_documents_are_rejected_per_field(string idKind, string idNumber, string field)
    {
        var (client, _) = await _factory.SignInResidentAsync(TestIds.NewPhone());
        var response = await client.PostAsJsonAsync("/api/v1/me/residents", new { name = "张三", idKind, idNumber, relationship = "Self" });
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages));
        Assert.NotEmpty(messages[0].GetString()!);
    }

    [Fact]
    public async Task Unknown_enum_value_is_a_400()
    {
        var (client, _) = await _factory.SignInResidentAsync(TestIds.NewPhone());
        var response = await client.PostAsJsonAsync("/api/v1/me/residents", new { name = "张三", idKind = "DriverLicence", idNumber = "1" });
        await ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Booking_for_someone_not_on_the_account_is_404_and_missing_fields_are_400()
    {
        var slotId = await _factory.CreateTodaySlotAsync();
        var (client, _) = await _factory.SignInResidentAsync(TestIds.NewPhone());
        var someoneElse = await _factory.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstAsync(db.Residents));
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/appointments", new { slotId, residentId = someoneElse.Id }), HttpStatusCode.NotFound);
        var missing = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/appointments", new { }), HttpStatusCode.BadRequest);
        Assert.True(missing.GetProperty("errors").TryGetProperty("slotId", out _));
        Assert.True(missing.GetProperty("errors").TryGetProperty("residentId", out _));
    }

    [Fact]
    public async Task Resident_endpoints_need_a_token_and_pda_endpoints_refuse_a_resident_token()
    {
        var anonymous = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/me/residents")).StatusCode);
        var (resident, _) = await _factory.SignInResidentAsync(TestIds.NewPhone());
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.PostAsJsonAsync("/api/v1/pda/scan", new { payload = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/exports/injections.xlsx")).StatusCode);
    }

    [Fact]
    public async Task Forged_or_tampered_qr_payloads_are_rejected()
    {
        var pda = await _factory.SignInPdaAsync();
        var problem = await ProblemAsync(await pda.PostAsJsonAsync("/api/v1/pda/scan", new { payload = "BVQR1.eyJhIjoxfQ.AAAA" }), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("payload", out _));
    }

    [Fact]
    public async Task Pda_login_blocks_the_source_after_five_wrong_passwords_without_locking_the_account()
    {
        var client = _factory.CreateClient();
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/v1/pda/login", new { userName = "clinic", password = "wrong" })).StatusCode);
        var response = await client.PostAsJsonAsync("/api/v1/pda/login", new { userName = "clinic", password = "BlazorVax@2026" });
        var blocked = await ProblemAsync(response, HttpStatusCode.TooManyRequests);
        Assert.Equal(Portal.Core.Identity.IdentityErrors.SignInBlocked.Code, blocked.GetProperty("code").GetString());
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        var clinic = await _factory.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Users, u => u.UserName == "clinic"));
        Assert.Null(clinic.LockoutEnd);
    }

    [Fact]
    public async Task Sites_are_listed_by_code_and_filtered_by_district()
    {
        var client = _factory.CreateClient();
        var all = await client.GetFromJsonAsync<JsonElement>("/api/v1/sites");
        var codes = all.EnumerateArray().Select(s => s.GetProperty("code").GetString()!).ToList();
        Assert.NotEmpty(codes);
        Assert.Equal(codes.Order(StringComparer.Ordinal), codes);
        var pudong = await client.GetFromJsonAsync<JsonElement>("/api/v1/sites?district=310115");
        Assert.NotEmpty(pudong.EnumerateArray());
        Assert.All(pudong.EnumerateArray(), s => Assert.Equal("浦东新区", s.GetProperty("districtName").GetString()));
    }

    [Fact]
    public async Task Health_and_openapi_are_served()
    {
        var client = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        var doc = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/auth/sms-code", "/api/v1/auth/token", "/api/v1/appointments", "/api/v1/me/qr", "/api/v1/pda/login", "/api/v1/pda/scan", "/api/v1/pda/injections" })
            Assert.True(paths.TryGetProperty(path, out _), path);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/scalar/v1")).StatusCode);
    }
}
