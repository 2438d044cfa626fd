using System.Text.Json;
using Portal.Core.Messaging;

namespace Portal.Messaging;

/// <summary>Development gateway: appends each message as one JSON line to {DataFolder}/sms/outbox.jsonl,
/// so a developer can read the code and sign in locally. Never used outside Development.</summary>
public sealed class FileSmsGateway(string path, TimeProvider clock) : ISmsGateway
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    // One instance: System.Text.Json builds (and compiles) its serialisation metadata per options object, so a new
    // one per message compiled the same serialiser again for every SMS (seen as constant JIT activity in a flash crowd).
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Path { get; } = path;

    public async Task SendAsync(string phone, string body, CancellationToken ct = default)
    {
        var line = JsonSerializer.Serialize(new { at = clock.GetUtcNow(), phone, body }, Json);
        await Gate.WaitAsync(ct);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            await File.AppendAllTextAsync(Path, line + "\n", ct);
        }
        finally
        {
            Gate.Release();
        }
    }
}
