using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Portal.Core.Common.Privacy;
using Portal.Core.Messaging;

namespace Portal.Messaging;

/// <summary>A carrier's HTTP gateway ("Sms:Http"): one JSON POST per message, the API key in a header.
/// Anything but a 2xx answer, and timeouts, throw <see cref="SmsGatewayException"/> (the outbox retries).</summary>
public sealed class HttpSmsGateway(IHttpClientFactory clients, IOptions<HttpSmsGatewayOptions> options, ILogger<HttpSmsGateway> logger) : ISmsGateway
{
    public const string ClientName = "sms-gateway";

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task SendAsync(string phone, string body, CancellationToken ct = default)
    {
        var settings = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url)
        {
            Content = new StringContent(RenderBody(settings.BodyTemplate, phone, body), System.Text.Encoding.UTF8, "application/json"),
        };
        if (!string.IsNullOrEmpty(settings.ApiKey))
            request.Headers.TryAddWithoutValidation(settings.ApiKeyHeader, settings.ApiKey);

        var client = clients.CreateClient(ClientName);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, ct);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new SmsGatewayException($"SMS gateway timed out after {client.Timeout.TotalSeconds:0.#} s", e);
        }
        catch (HttpRequestException e)
        {
            throw new SmsGatewayException($"SMS gateway unreachable: {e.Message}", e);
        }
        using (response)
        {
            if (response.IsSuccessStatusCode)
                return;
            // The answer's body is not kept: a gateway may echo the phone number in it.
            logger.LogWarning("SMS gateway answered {Status} for {Phone}", (int)response.StatusCode, Masking.MaskPhone(phone));
            throw new SmsGatewayException($"SMS gateway answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }

    /// <summary>Fills {phone} and {content} with JSON-escaped text (no quotes added: the template has them).</summary>
    public static string RenderBody(string template, string phone, string content) =>
        template.Replace("{phone}", Escape(phone), StringComparison.Ordinal).Replace("{content}", Escape(content), StringComparison.Ordinal);

    private static string Escape(string value)
    {
        var quoted = JsonSerializer.Serialize(value, Json);
        return quoted[1..^1];
    }
}
