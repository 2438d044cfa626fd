using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Integration;

/// <summary>Behind a trusted proxy the per-IP limits key on the client's address from X-Forwarded-For; from anyone
/// else the header is ignored, so it cannot be forged to dodge a limit.</summary>
public sealed class ReverseProxyTests : IAsyncLifetime
{
    private const string Proxy = "10.0.0.1";
    private PortalFactory _portal = null!;

    public Task InitializeAsync()
    {
        _portal = PortalFactory.Sqlite(new Dictionary<string, string?>
        {
            ["ReverseProxy:KnownProxies:0"] = Proxy,
            ["RateLimits:SmsPerIp:PermitLimit"] = "2",
            ["RateLimits:SmsPerIp:WindowSeconds"] = "60",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task Clients_behind_the_trusted_proxy_get_their_own_buckets()
    {
        for (var i = 0; i < 2; i++)
            Assert.NotEqual(429, await SmsCodeAsync(Proxy, "198.51.100.1"));
        Assert.Equal(429, await SmsCodeAsync(Proxy, "198.51.100.1"));
        // Another resident behind the same proxy is not punished for the first one.
        Assert.NotEqual(429, await SmsCodeAsync(Proxy, "198.51.100.2"));
    }

    [Fact]
    public async Task Forwarded_for_from_an_untrusted_address_is_ignored()
    {
        const string stranger = "203.0.113.50";
        Assert.NotEqual(429, await SmsCodeAsync(stranger, "198.51.100.11"));
        Assert.NotEqual(429, await SmsCodeAsync(stranger, "198.51.100.12"));
        // A new forged address each time does not open a new bucket.
        Assert.Equal(429, await SmsCodeAsync(stranger, "198.51.100.13"));
    }

    private async Task<int> SmsCodeAsync(string remote, string forwardedFor)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new { phone = TestIds.NewPhone() });
        var context = await _portal.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Post;
            c.Request.Path = "/api/v1/auth/sms-code";
            c.Request.ContentType = "application/json";
            c.Request.ContentLength = bytes.Length;
            c.Request.Body = new MemoryStream(bytes);
            c.Request.Headers["X-Forwarded-For"] = forwardedFor;
            c.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        });
        return context.Response.StatusCode;
    }
}
