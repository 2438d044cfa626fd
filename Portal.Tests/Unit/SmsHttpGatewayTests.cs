using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Messaging;
using Portal.Messaging;

namespace Portal.Tests.Unit;

/// <summary>The HTTP gateway against a real Kestrel listener on 127.0.0.1: body, headers, and errors that the outbox retries.</summary>
public sealed class SmsHttpGatewayTests : IAsyncLifetime
{
    private WebApplication _server = null!;
    private string _url = "";
    private volatile int _status = 200;
    private volatile int _delayMs;
    private readonly List<(string? ApiKey, string? ContentType, string Body)> _requests = [];

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _server = builder.Build();
        _server.MapPost("/send", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            lock (_requests)
                _requests.Add((http.Request.Headers["X-Sms-Key"].FirstOrDefault(), http.Request.ContentType, body));
            if (_delayMs > 0)
                await Task.Delay(_delayMs);
            return Results.StatusCode(_status);
        });
        await _server.StartAsync();
        _url = _server.Urls.Single() + "/send";
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private HttpSmsGateway Gateway(TimeSpan? timeout = null, string? template = null)
    {
        var options = new HttpSmsGatewayOptions { Url = _url, ApiKeyHeader = "X-Sms-Key", ApiKey = "secret-1", Timeout = timeout ?? TimeSpan.FromSeconds(5) };
        if (template is not null) options.BodyTemplate = template;
        var services = new ServiceCollection();
        services.AddHttpClient(HttpSmsGateway.ClientName, c => c.Timeout = options.Timeout);
        var provider = services.BuildServiceProvider();
        return new HttpSmsGateway(provider.GetRequiredService<IHttpClientFactory>(), Options.Create(options), NullLogger<HttpSmsGateway>.Instance);
    }

    [Fact]
    public async Task Posts_the_json_body_and_the_api_key_header()
    {
        var text = "【上海疫苗接种】您的验证码是123456，5分钟内有效。\"引号\" \\ 换行\n";

        await Gateway().SendAsync("13900001111", text);

        var request = Assert.Single(_requests);
        Assert.Equal("secret-1", request.ApiKey);
        Assert.StartsWith("application/json", request.ContentType);
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("13900001111", json.RootElement.GetProperty("phone").GetString());
        Assert.Equal(text, json.RootElement.GetProperty("content").GetString());
        // Chinese stays readable on the wire (carriers count characters, some reject \u escapes).
        Assert.Contains("验证码是123456", request.Body);
    }

    [Fact]
    public async Task Uses_the_configured_body_template()
    {
        await Gateway(template: """{"mobiles":["{phone}"],"sign":"上海疾控","text":"{content}"}""").SendAsync("13900002222", "hi");

        using var json = JsonDocument.Parse(Assert.Single(_requests).Body);
        Assert.Equal("13900002222", json.RootElement.GetProperty("mobiles")[0].GetString());
        Assert.Equal("上海疾控", json.RootElement.GetProperty("sign").GetString());
        Assert.Equal("hi", json.RootElement.GetProperty("text").GetString());
    }

    [Theory]
    [InlineData(500)]
    [InlineData(429)]
    [InlineData(400)]
    public async Task Non_success_answers_throw_a_gateway_exception(int status)
    {
        _status = status;
        var e = await Assert.ThrowsAsync<SmsGatewayException>(() => Gateway().SendAsync("13900003333", "x"));
        Assert.Contains(status.ToString(), e.Message);
        Assert.DoesNotContain("13900003333", e.Message);
    }

    [Fact]
    public async Task A_timeout_throws_a_gateway_exception()
    {
        _delayMs = 3000;
        var e = await Assert.ThrowsAsync<SmsGatewayException>(() => Gateway(TimeSpan.FromMilliseconds(300)).SendAsync("13900004444", "x"));
        Assert.Contains("timed out", e.Message);
    }

    [Fact]
    public async Task An_unreachable_gateway_throws_a_gateway_exception()
    {
        var port = new Uri(_url).Port;
        await _server.StopAsync();
        var options = new HttpSmsGatewayOptions { Url = $"http://127.0.0.1:{port}/send", Timeout = TimeSpan.FromSeconds(2) };
        var services = new ServiceCollection();
        services.AddHttpClient(HttpSmsGateway.ClientName);
        var gateway = new HttpSmsGateway(services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>(), Options.Create(options), NullLogger<HttpSmsGateway>.Instance);

        await Assert.ThrowsAsync<SmsGatewayException>(() => gateway.SendAsync("13900005555", "x"));
    }
}
