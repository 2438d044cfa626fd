using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Common.Privacy;
using Portal.Core.Messaging;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>SMS through the running Portal: the per-IP code limit answers 429 with Retry-After, and the
/// background dispatcher delivers outbox messages to the gateway.</summary>
public sealed class SmsApiTests : IAsyncLifetime
{
    private const string IpHeader = "X-Test-Client-Ip";
    private PortalFactory _portal = null!;
    private WebApplicationFactory<Program> _app = null!;

    public Task InitializeAsync()
    {
        _portal = PortalFactory.Sqlite(new Dictionary<string, string?>
        {
            ["Sms:PerIpPerHour"] = "2",
            ["Sms:PollInterval"] = "00:00:00.200",
        });
        // The in-memory test server has no remote address: take it from a header, as a proxy would give it.
        _app = _portal.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IStartupFilter, ClientIpFromHeader>()));
        _ = _app.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _portal.DisposeAsync();
    }

    [Fact]
    public async Task Codes_per_ip_are_limited_with_429_and_retry_after()
    {
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Add(IpHeader, "203.0.113.7");

        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/v1/auth/sms-code", new { phone = TestIds.NewPhone() })).StatusCode);
        var refused = await client.PostAsJsonAsync("/api/v1/auth/sms-code", new { phone = TestIds.NewPhone() });

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.FromMinutes(55), $"Retry-After: {refused.Headers.RetryAfter}");
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal("sms_ip_limit", problem.RootElement.GetProperty("code").GetString());

        // Another address still gets codes, and the dev gateway file keeps its format.
        var other = _app.CreateClient();
        other.DefaultRequestHeaders.Add(IpHeader, "203.0.113.8");
        var phone = TestIds.NewPhone();
        Assert.Equal(HttpStatusCode.Accepted, (await other.PostAsJsonAsync("/api/v1/auth/sms-code", new { phone })).StatusCode);
        Assert.Matches("^\\d{6}$", _portal.LatestSmsCode(phone));
    }

    [Fact]
    public async Task The_dispatcher_delivers_outbox_messages_to_the_gateway()
    {
        var phone = TestIds.NewPhone();
        var key = "test:" + Guid.NewGuid().ToString("N");
        var protector = _app.Services.GetRequiredService<IPersonalDataProtector>();
        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<Portal.Data.PortalDbContext>>().CreateDbContextAsync())
        {
            SmsOutbox.Enqueue(db, protector.Protect(phone), Masking.MaskPhone(phone), SmsTemplateNames.WaitlistOffer,
                new Dictionary<string, string> { ["name"] = "李*", ["vaccine"] = "九价HPV疫苗", ["expires"] = "11月27日18:00" }, key, DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }

        var deadline = DateTime.UtcNow.AddSeconds(15);
        SmsOutboxMessage? row = null;
        while (DateTime.UtcNow < deadline)
        {
            await using var db = await _app.Services.GetRequiredService<IDbContextFactory<Portal.Data.PortalDbContext>>().CreateDbContextAsync();
            row = await db.SmsOutbox.AsNoTracking().SingleAsync(m => m.DedupKey == key);
            if (row.Status != SmsStatus.Pending) break;
            await Task.Delay(100);
        }

        Assert.Equal(SmsStatus.Sent, row!.Status);
        var line = Assert.Single(File.ReadAllLines(_portal.SmsOutboxPath), l => l.Contains(phone, StringComparison.Ordinal));
        Assert.Contains("李*已获得九价HPV疫苗接种名额", line);
    }

    private sealed class ClientIpFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext http, Func<Task> nextMiddleware) =>
            {
                if (http.Request.Headers.TryGetValue(IpHeader, out var ip))
                    http.Connection.RemoteIpAddress = IPAddress.Parse(ip.ToString());
                return nextMiddleware();
            });
            next(app);
        };
    }
}
