using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>
/// The outside tester's input findings, on every provider: over-long strings, NUL and other control characters,
/// lone surrogates, unusual names, undefined enum numbers and oversized bodies are each one field-level bilingual
/// 400 (or 413), never a 500 and never stored; what the framework answers by itself (415, 405, an unknown route)
/// is ProblemDetails too.
/// </summary>
public abstract class InputRulesTests : PortalOnProvider
{
    private HttpClient _resident = null!;

    protected override async Task ArrangeAsync() => (_resident, _) = await Factory.SignInResidentAsync(TestIds.NewPhone());

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static string FieldMessage(JsonElement problem, string field) =>
        problem.GetProperty("errors").GetProperty(field)[0].GetString()!;

    private Task<HttpResponseMessage> RegisterRawAsync(string json) =>
        _resident.PostAsync("/api/v1/me/residents", new StringContent(json, Encoding.UTF8, "application/json"));

    private static string ValidId(int sequence) => TestIds.ResidentId(new DateOnly(1990, 3, 4), female: true, sequence: sequence);

    [SkippableFact]
    public async Task An_over_long_code_is_a_field_error_and_nothing_is_stored()
    {
        SkipUnlessAvailable();
        var id = ValidId(401);
        var response = await _resident.PostAsJsonAsync("/api/v1/me/residents",
            new { name = "王小芳", idKind = "ResidentIdCard", idNumber = id, relationship = "Self", districtCode = new string('3', 5_000) });
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        var message = FieldMessage(problem, "districtCode");
        Assert.Contains("不能超过6个字符", message);
        Assert.Contains("At most 6 characters", message);
        Assert.Equal(0, await Factory.WithDbAsync(db => db.Residents.CountAsync(r => r.IdNumberMasked.StartsWith("310104") && r.Name == "王小芳" && r.BirthDate == new DateOnly(1990, 3, 4))));
    }

    [SkippableFact]
    public async Task A_five_megabyte_body_is_413_problem_details()
    {
        SkipUnlessAvailable();
        var json = $"{{\"name\":\"王小芳\",\"idKind\":\"ResidentIdCard\",\"idNumber\":\"{ValidId(402)}\",\"districtCode\":\"{new string('3', 5 * 1024 * 1024)}\"}}";
        var response = await RegisterRawAsync(json);
        var problem = await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("请求内容过大", problem.GetProperty("title").GetString());
    }

    [SkippableTheory]
    [InlineData("王\\u0000小芳", "name")]
    [InlineData("王小\\u0007芳", "name")]
    [InlineData("\\ud800王", "name")]
    [InlineData("王小芳\\u202e", "name")]
    [InlineData("Robert'); DROP TABLE--", "name")]
    public async Task Control_characters_lone_surrogates_and_odd_characters_in_a_name_are_refused(string escapedName, string field)
    {
        SkipUnlessAvailable();
        var response = await RegisterRawAsync($"{{\"name\":\"{escapedName}\",\"idKind\":\"ResidentIdCard\",\"idNumber\":\"{ValidId(403)}\",\"relationship\":\"Self\"}}");
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Matches("[\\u4e00-\\u9fff].*\\(.*[A-Za-z]{3,}", FieldMessage(problem, field));
    }

    [SkippableFact]
    public async Task An_enum_number_outside_the_defined_set_is_refused()
    {
        SkipUnlessAvailable();
        var response = await RegisterRawAsync($"{{\"name\":\"王小芳\",\"idKind\":\"ResidentIdCard\",\"idNumber\":\"{ValidId(404)}\",\"relationship\":99}}");
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("不是允许的取值", FieldMessage(problem, "relationship"));
    }

    [SkippableFact]
    public async Task Full_width_digits_and_surrounding_spaces_are_normalised_before_validation()
    {
        SkipUnlessAvailable();
        var id = ValidId(405);
        var fullWidth = string.Concat(id.Select(c => c is >= '0' and <= '9' ? (char)(c - '0' + '０') : c));
        var response = await _resident.PostAsJsonAsync("/api/v1/me/residents",
            new { name = "  王小芳 ", idKind = "ResidentIdCard", idNumber = fullWidth, relationship = "Self" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var member = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("王小芳", member.GetProperty("name").GetString());
        Assert.Equal(Core.Common.Privacy.Masking.MaskIdNumber(id), member.GetProperty("idNumberMasked").GetString());
    }

    [SkippableTheory]
    [InlineData("/api/v1/clinics?district=%00")]
    [InlineData("/api/v1/clinics?street=31010%00")]
    [InlineData("/api/v1/sites?district=%E2%80%AE")]
    [InlineData("/api/v1/knowledge?programme=%00")]
    [InlineData("/api/v1/questionnaires?programme=PPSV%0023")]
    [InlineData("/api/v1/announcements?district=310104%00")]
    [InlineData("/api/v1/traceability?code=%F0%9F%92%89%F0%9F%92%89%F0%9F%92%89")]
    [InlineData("/api/v1/traceability?code=%E4%B8%AD%E6%96%87%E8%BF%BD%E6%BA%AF")]
    public async Task Query_filters_with_nul_controls_or_non_ascii_codes_are_400_not_500(string url)
    {
        SkipUnlessAvailable();
        var response = await Factory.CreateClient().GetAsync(url);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out _));
    }

    [SkippableFact]
    public async Task Feedback_comment_keeps_its_line_breaks_but_not_a_nul()
    {
        SkipUnlessAvailable();
        var response = await _resident.PostAsJsonAsync("/api/v1/me/feedback", new { kind = "Suggestion", comment = "第一行\u0000第二行" });
        await ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [SkippableFact]
    public async Task Framework_answers_are_bilingual_problem_details()
    {
        SkipUnlessAvailable();
        var client = Factory.CreateClient();
        var unsupported = await ProblemAsync(
            await client.PostAsync("/api/v1/auth/sms-code", new StringContent("phone=13800000000", Encoding.UTF8, "text/plain")),
            HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("unsupported_media_type", unsupported.GetProperty("code").GetString());
        Assert.Contains("不支持的内容类型", unsupported.GetProperty("titleZh").GetString());

        var wrongMethod = await ProblemAsync(await client.PutAsync("/api/v1/sites", JsonContent.Create(new { })), HttpStatusCode.MethodNotAllowed);
        Assert.Equal("method_not_allowed", wrongMethod.GetProperty("code").GetString());

        var unknown = await ProblemAsync(await client.GetAsync("/api/v1/no-such-thing"), HttpStatusCode.NotFound);
        Assert.Equal("not_found", unknown.GetProperty("code").GetString());

        var anonymous = await ProblemAsync(await client.GetAsync("/api/v1/me/residents"), HttpStatusCode.Unauthorized);
        Assert.Equal("unauthorized", anonymous.GetProperty("code").GetString());
    }

    [SkippableFact]
    public async Task The_data_layer_refuses_an_over_long_or_nul_value_written_past_the_edge()
    {
        SkipUnlessAvailable();
        var tooLong = await Assert.ThrowsAsync<DomainValidationException>(() => Factory.WithDbAsync(async db =>
        {
            var site = await db.Sites.OrderBy(s => s.Id).FirstAsync();
            site.DistrictCode = new string('3', 5_000);
            return await db.SaveChangesAsync();
        }));
        Assert.Equal("districtCode", tooLong.Errors.Single().Field);
        var nul = await Assert.ThrowsAsync<DomainValidationException>(() => Factory.WithDbAsync(async db =>
        {
            var site = await db.Sites.OrderBy(s => s.Id).FirstAsync();
            site.Name = "门诊\0部";
            return await db.SaveChangesAsync();
        }));
        Assert.Equal("name", nul.Errors.Single().Field);
    }

    [SkippableFact]
    public async Task Every_answer_carries_the_security_headers()
    {
        SkipUnlessAvailable();
        var client = Factory.CreateClient(new() { AllowAutoRedirect = false });
        var api = await client.GetAsync("/api/v1/sites");
        Assert.Equal("nosniff", api.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("same-origin", api.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("default-src 'none'", api.Headers.GetValues("Content-Security-Policy").Single());

        var page = await client.GetAsync("/account/login");
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
    }
}

public sealed class InputRulesOnSqlite : InputRulesTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class InputRulesOnPostgreSql : InputRulesTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}

/// <summary>What changes outside Development: HSTS, and no API reference unless configured.</summary>
public sealed class ProductionHeadersTests : IAsyncLifetime
{
    private ProductionPortal _portal = null!;

    public Task InitializeAsync()
    {
        _portal = new ProductionPortal();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task Production_sends_hsts_on_https_and_hides_the_api_reference()
    {
        var client = _portal.CreateClient(new() { BaseAddress = new Uri("https://portal.example"), AllowAutoRedirect = false });
        var live = await client.GetAsync("/health/live");
        Assert.Contains("max-age=31536000", live.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/scalar/v1")).StatusCode);
    }

    private sealed class ProductionPortal : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
    {
        private readonly string _folder = Path.Combine(TestEnvironment.RunDirectory, "prod-" + Guid.NewGuid().ToString("N")[..8]);

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            Directory.CreateDirectory(_folder);
            builder.UseEnvironment("Production");
            builder.UseSetting("DataFolder", _folder);
            builder.UseSetting("ConnectionStrings:Sqlite", SqliteFiles.ConnectionStringFor(Path.Combine(_folder, "portal.db")));
            builder.UseSetting("PersonalData:Keys:1", Convert.ToBase64String(new byte[32]));
            builder.UseSetting("PersonalData:ActiveKeyVersion", "1");
            builder.UseSetting("PersonalData:HashKey", Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray()));
            builder.UseSetting("Tokens:SigningKey", Convert.ToBase64String(Enumerable.Repeat((byte)9, 32).ToArray()));
            builder.UseSetting("Sms:Gateway", "File");
        }
    }
}

/// <summary>A 429 tells the truth about when to come back.</summary>
public sealed class RetryAfterTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = PortalFactory.Sqlite(new Dictionary<string, string?>
    {
        ["RateLimits:SmsPerIp:PermitLimit"] = "2",
        ["RateLimits:SmsPerIp:WindowSeconds"] = "60",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task The_per_ip_sms_limit_says_its_whole_window()
    {
        HttpContext? refused = null;
        for (var i = 0; i < 5 && refused is null; i++)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(new { phone = TestIds.NewPhone() });
            var context = await _portal.Server.SendAsync(c =>
            {
                c.Request.Method = HttpMethods.Post;
                c.Request.Path = "/api/v1/auth/sms-code";
                c.Request.ContentType = "application/json";
                c.Request.ContentLength = bytes.Length;
                c.Request.Body = new MemoryStream(bytes);
                c.Connection.RemoteIpAddress = IPAddress.Parse("198.51.100.77");
            });
            if (context.Response.StatusCode == StatusCodes.Status429TooManyRequests) refused = context;
        }
        Assert.NotNull(refused);
        Assert.Equal("60", refused.Response.Headers.RetryAfter.ToString());
    }
}
