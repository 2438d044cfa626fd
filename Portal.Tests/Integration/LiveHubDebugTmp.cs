using Xunit.Abstractions;
using Portal.Tests.TestSupport;
namespace Portal.Tests.Integration;
public sealed class LiveHubDebugTmp(ITestOutputHelper output)
{
    [Fact]
    public async Task LiveHubDebug()
    {
        await using var factory = PortalFactory.Sqlite(new Dictionary<string, string?> { ["Live:AllowAnonymousScreens"] = "false" });
        var client = factory.CreateClient();
        var r = await client.PostAsync("/hubs/live/negotiate?negotiateVersion=1", null);
        output.WriteLine($"{(int)r.StatusCode} {string.Join(";", r.Headers.Select(h => h.Key + "=" + string.Join(",", h.Value)))} {await r.Content.ReadAsStringAsync()}");
    }
}
