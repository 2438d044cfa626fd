using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Portal.Core.Dashboard;
using Portal.Core.Injections;
using Portal.Dashboard;

namespace Portal.Tests.TestSupport;

/// <summary>A SignalR client of <see cref="LiveRoutes.Hub"/> through a test server (long polling), recording what the
/// server pushes both typed and as raw JSON (to look for anything that should not be there).</summary>
public sealed class LiveHubClient : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private LiveHubClient(HubConnection connection) => Connection = connection;

    public HubConnection Connection { get; }

    public Channel<InjectionRecorded> Injections { get; } = Channel.CreateUnbounded<InjectionRecorded>();

    public Channel<DashboardSnapshot> Snapshots { get; } = Channel.CreateUnbounded<DashboardSnapshot>();

    /// <summary>Every pushed snapshot's JSON, as the client received it.</summary>
    public Channel<string> SnapshotJson { get; } = Channel.CreateUnbounded<string>();

    /// <param name="sign">Adds the caller's credentials (a token, a cookie header); none for an anonymous caller.</param>
    /// <exception cref="HttpRequestException">Negotiate refused (its StatusCode says 401 or 403).</exception>
    public static async Task<LiveHubClient> ConnectAsync(TestServer server, Action<HttpConnectionOptions>? sign = null)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, LiveRoutes.Hub), options =>
            {
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.Transports = HttpTransportType.LongPolling;
                sign?.Invoke(options);
            })
            .Build();
        var client = new LiveHubClient(connection);
        connection.On<InjectionRecorded>(LiveRoutes.InjectionMessage, e => client.Injections.Writer.TryWrite(e));
        // One handler per message: the client binds the arguments to the first handler's parameter types.
        connection.On<JsonElement>(LiveRoutes.SnapshotMessage, s =>
        {
            client.SnapshotJson.Writer.TryWrite(s.GetRawText());
            client.Snapshots.Writer.TryWrite(s.Deserialize<DashboardSnapshot>(JsonSerializerOptions.Web)!);
        });
        try
        {
            await connection.StartAsync();
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return client;
    }

    public static Action<HttpConnectionOptions> Bearer(string token) => o => o.AccessTokenProvider = () => Task.FromResult<string?>(token);

    public static Action<HttpConnectionOptions> Cookie(string header) => o => o.Headers["Cookie"] = header;

    /// <summary>GetSnapshot's answer as the client received it (JSON), and typed.</summary>
    public async Task<(string Json, DashboardSnapshot? Snapshot)> GetSnapshotAsync()
    {
        var element = await Connection.InvokeAsync<JsonElement>(LiveRoutes.GetSnapshotMethod);
        var json = element.GetRawText();
        return (json, element.ValueKind == JsonValueKind.Null ? null : element.Deserialize<DashboardSnapshot>(JsonSerializerOptions.Web));
    }

    public async Task<InjectionRecorded> NextInjectionAsync() => await Injections.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    public async Task<DashboardSnapshot> NextSnapshotAsync() => await Snapshots.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    public async Task<string> NextSnapshotJsonAsync() => await SnapshotJson.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
