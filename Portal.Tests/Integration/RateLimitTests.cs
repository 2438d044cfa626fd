using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Portal.Tests.TestSupport;
using static Portal.Tests.TestSupport.CancelTestKit;

namespace Portal.Tests.Integration;

/// <summary>With low configured limits, the attempt after the last allowed one is 429 with Retry-After and a
/// bilingual ProblemDetails: per token and per IP on booking, per IP on SMS codes.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private PortalFactory _portal = null!;

    public Task InitializeAsync()
    {
        _portal = PortalFactory.Sqlite(new Dictionary<string, string?>
        {
            ["RateLimits:BookingPerToken:TokenLimit"] = "3",
            ["RateLimits:BookingPerToken:TokensPerPeriod"] = "1",
            ["RateLimits:BookingPerToken:PeriodSeconds"] = "60",
            ["RateLimits:BookingPerIp:TokenLimit"] = "4",
            ["RateLimits:BookingPerIp:TokensPerPeriod"] = "1",
            ["RateLimits:BookingPerIp:PeriodSeconds"] = "60",
            ["RateLimits:SmsPerIp:PermitLimit"] = "2",
        });
        _ = _portal.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task Booking_attempts_beyond_the_token_bucket_are_429_with_retry_after()
    {
        var p = await ResidentAsync(_portal, 60);
        var slotId = await SlotAsync(_portal, capacity: 5);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            statuses.Add((await p.Client.PostAsJsonAsync("/api/v1/appointments", new { slotId, residentId = p.ResidentId })).StatusCode);
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict, HttpStatusCode.Conflict], statuses);

        var refused = await p.Client.PostAsJsonAsync("/api/v1/appointments", new { slotId, residentId = p.ResidentId });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
        AssertProblem(await refused.Content.ReadAsStringAsync());
        // Reading is not limited.
        Assert.Equal(HttpStatusCode.OK, (await p.Client.GetAsync("/api/v1/me/appointments")).StatusCode);
    }

    [Fact]
    public async Task Booking_from_one_ip_is_limited_across_tokens()
    {
        var tokens = new List<string>();
        for (var i = 0; i < 3; i++)
            tokens.Add((await ResidentAsync(_portal, 61 + i)).Client.DefaultRequestHeaders.Authorization!.Parameter!);
        var statuses = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            var response = await PostFromAsync("198.51.100.9", "/api/v1/appointments", new { }, tokens[i % tokens.Count]);
            statuses.Add(response.Response.StatusCode);
            if (i == 5) await AssertRateLimitedAsync(response);
        }
        Assert.Equal([400, 400, 400, 400, 429, 429], statuses);
        // Another address has its own bucket.
        Assert.Equal(400, (await PostFromAsync("198.51.100.10", "/api/v1/appointments", new { }, tokens[0])).Response.StatusCode);
    }

    [Fact]
    public async Task Sms_codes_per_ip_use_a_sliding_window()
    {
        for (var i = 0; i < 2; i++)
            Assert.NotEqual(429, (await PostFromAsync("203.0.113.77", "/api/v1/auth/sms-code", new { phone = TestIds.NewPhone() })).Response.StatusCode);
        await AssertRateLimitedAsync(await PostFromAsync("203.0.113.77", "/api/v1/auth/sms-code", new { phone = TestIds.NewPhone() }));
    }

    /// <summary>The in-memory test server gives no remote address (so no IP limit applies); this request has one.</summary>
    private Task<HttpContext> PostFromAsync(string ip, string path, object body, string? token = null) =>
        _portal.Server.SendAsync(c =>
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
            c.Request.Method = HttpMethods.Post;
            c.Request.Path = path;
            c.Request.ContentType = "application/json";
            c.Request.ContentLength = bytes.Length;
            c.Request.Body = new MemoryStream(bytes);
            c.Connection.RemoteIpAddress = IPAddress.Parse(ip);
            if (token is not null) c.Request.Headers.Authorization = "Bearer " + token;
        });

    private static async Task AssertRateLimitedAsync(HttpContext response)
    {
        Assert.Equal(StatusCodes.Status429TooManyRequests, response.Response.StatusCode);
        Assert.True(int.Parse(response.Response.Headers.RetryAfter.ToString()) >= 1, $"Retry-After: {response.Response.Headers.RetryAfter}");
        AssertProblem(await new StreamReader(response.Response.Body).ReadToEndAsync());
    }

    private static void AssertProblem(string json)
    {
        using var problem = JsonDocument.Parse(json);
        Assert.Equal("rate_limited", problem.RootElement.GetProperty("code").GetString());
        Assert.Contains("请求过于频繁", problem.RootElement.GetProperty("title").GetString());
        Assert.Contains("Too many requests", problem.RootElement.GetProperty("title").GetString());
    }
}
