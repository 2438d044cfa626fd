using System.Net;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Dashboard;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Security;

/// <summary>
/// Every route of the real portal (read from its <see cref="EndpointDataSource"/>) and every public method of the live
/// hub, called by every kind of caller (<see cref="SweepIdentities"/>); what each caller got is compared with
/// <c>route-roles.txt</c>. A new route, a removed one or a changed answer fails until the file says so: run once with
/// <c>BLAZORVAX_WRITE_ROUTE_MATRIX=1</c> (the SQLite run rewrites the file) and review the diff before committing it.
/// </summary>
public abstract partial class RouteRoleSweepTests : PortalOnProvider
{
    public const string WriteVariable = "BLAZORVAX_WRITE_ROUTE_MATRIX";
    private const string Logout = "/account/logout";

    private IReadOnlyList<SweepIdentity> identities = [];

    protected override async Task ArrangeAsync() => identities = await SweepIdentities.SignInAllAsync(Factory);

    [SkippableFact]
    public async Task Every_route_and_hub_method_answers_every_caller_as_route_roles_txt_says()
    {
        SkipUnlessAvailable();
        var routes = Routes(Factory.Services.GetRequiredService<EndpointDataSource>());
        Assert.Contains(routes, r => r.Pattern == "/hubs/live/negotiate");
        var observed = new Dictionary<string, Dictionary<string, Outcome>>(StringComparer.Ordinal);
        foreach (var (method, pattern) in routes)
        {
            var row = observed[$"{method} {pattern}"] = [];
            foreach (var identity in identities)
                row[identity.Name] = await CallAsync(identity.Client, method, pattern);
        }

        foreach (var hubMethod in HubMethods())
        {
            var row = observed[$"HUB {hubMethod.Name}"] = [];
            foreach (var identity in identities)
                row[identity.Name] = await InvokeAsync(identity, hubMethod);
        }

        // The sweep called every route (logout last): every caller must still be signed in for its column to mean anything.
        foreach (var identity in identities.Where(i => SweepIdentities.ConsoleAccounts.Contains(i.Name)))
            Assert.True((await CallAsync(identity.Client, "GET", "/")).Class == "ok", $"{identity.Name} was signed out during the sweep");
        Assert.True((await CallAsync(identities.Single(i => i.Name == SweepIdentities.Pda).Client, "POST", "/api/v1/pda/lookup")).Class == "ok",
            "the PDA token stopped working during the sweep");
        Assert.True((await CallAsync(identities.Single(i => i.Name == SweepIdentities.Resident).Client, "GET", "/api/v1/me/residents")).Class == "ok",
            "the resident token stopped working during the sweep");

        var errors = observed.SelectMany(r => r.Value.Where(c => c.Value.Class == "error").Select(c => $"{r.Key} as {c.Key}: {c.Value.Detail}")).ToList();
        Assert.True(errors.Count == 0, "server errors:\n" + string.Join('\n', errors));

        var file = MatrixPath();
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1" && Provider == DatabaseProvider.Sqlite)
        {
            var temp = file + ".tmp";
            await File.WriteAllTextAsync(temp, Render(observed));
            File.Move(temp, file, overwrite: true);
        }

        var expected = Parse(await File.ReadAllLinesAsync(file));
        var differences = new List<string>();
        foreach (var (route, row) in observed)
        {
            if (!expected.TryGetValue(route, out var wanted))
            {
                differences.Add($"{route}: in the app, not in route-roles.txt ({string.Join(' ', row.Select(c => $"{c.Key}={c.Value.Class}"))})");
                continue;
            }

            foreach (var (name, outcome) in row)
                if (!wanted.TryGetValue(name, out var want) || want != outcome.Class)
                    differences.Add($"{route} as {name}: expected {want ?? "(no column)"}, got {outcome.Class} ({outcome.Detail})");
        }

        differences.AddRange(expected.Keys.Where(k => !observed.ContainsKey(k)).Select(k => $"{k}: in route-roles.txt, no longer in the app"));
        Assert.True(differences.Count == 0,
            $"{differences.Count} difference(s) from route-roles.txt ({routes.Count} routes, {observed.Count - routes.Count} hub methods, {identities.Count} callers; "
            + $"{WriteVariable}=1 rewrites the file):\n" + string.Join('\n', differences));
    }

    /// <summary>(method, pattern) of every route endpoint but the framework's own plumbing, logout last.</summary>
    /// <remarks>Left out: static files (MapStaticAssets: public by design, no data behind them) and the framework's
    /// own endpoints under _framework/ (Blazor's scripts) and _blazor/ (the circuit hub; a circuit only renders pages
    /// whose own authorization is swept here, and it re-checks the session itself).</remarks>
    private static List<(string Method, string Pattern)> Routes(EndpointDataSource source)
    {
        var routes = new SortedSet<(string Method, string Pattern)>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (pattern.StartsWith("/_framework", StringComparison.Ordinal) || pattern.StartsWith("/_blazor", StringComparison.Ordinal)
                || pattern.StartsWith("/_content", StringComparison.Ordinal)
                || endpoint.Metadata.Any(m => m.GetType().FullName?.Contains("StaticAsset", StringComparison.Ordinal) == true))
                continue;
            // Endpoints that take any method (health checks, SignalR's) are called the way their clients call them.
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } m ? m
                : pattern.EndsWith("/negotiate", StringComparison.Ordinal) ? ["POST"] : ["GET"];
            foreach (var method in methods.Where(m => m is not ("HEAD" or "OPTIONS")))
                routes.Add((method, pattern));
        }

        return [.. routes.OrderBy(r => r.Pattern == Logout ? 1 : 0)];
    }

    /// <summary>The methods a client may call on the hub, as SignalR finds them: public, not inherited from Hub.</summary>
    private static IEnumerable<MethodInfo> HubMethods() =>
        typeof(LiveHub).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => !m.IsSpecialName && m.DeclaringType != typeof(object) && m.GetBaseDefinition().DeclaringType != typeof(Hub))
            .OrderBy(m => m.Name, StringComparer.Ordinal);

    private static async Task<Outcome> CallAsync(HttpClient client, string method, string pattern)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), Fill(pattern));
        if (method is "POST" or "PUT" or "PATCH")
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        var status = (int)response.StatusCode;
        var location = response.Headers.Location?.OriginalString ?? "";
        var detail = location.Length > 0 ? $"{status} to {location}" : status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new(Classify(status, location), detail);
    }

    /// <summary>login: 401 or a redirect to the login page; deny: 403 or a redirect to access-denied; error: 5xx; ok:
    /// anything else, which got past authorization (2xx, other redirects, 400/404/405/409/415/422/429 from the handler,
    /// the antiforgery check or the input rules, which all run after it).</summary>
    private static string Classify(int status, string location)
    {
        var redirect = status is >= 300 and < 400;
        if (status == 401 || (redirect && location.Contains("/account/login", StringComparison.OrdinalIgnoreCase))) return "login";
        if (status == 403 || (redirect && location.Contains("/account/access-denied", StringComparison.OrdinalIgnoreCase))) return "deny";
        return status >= 500 ? "error" : "ok";
    }

    /// <summary>Route parameters get 1 (the first row of every table the demo data seeds); optional ones are left out.</summary>
    private static string Fill(string pattern) => Parameter().Replace(pattern, m => m.Value.Contains('?', StringComparison.Ordinal) ? "" : "1").Replace("//", "/", StringComparison.Ordinal);

    private async Task<Outcome> InvokeAsync(SweepIdentity identity, MethodInfo method)
    {
        LiveHubClient client;
        try
        {
            client = await LiveHubClient.ConnectAsync(Factory.Server, identity.Hub);
        }
        catch (HttpRequestException e) when (e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return new(e.StatusCode == HttpStatusCode.Unauthorized ? "login" : "deny", $"negotiate {(int)e.StatusCode}");
        }

        await using (client)
        {
            var args = method.GetParameters().Select(p => p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null).ToArray();
            try
            {
                var result = await client.Connection.InvokeCoreAsync(method.Name, typeof(JsonElement), args);
                return new("ok", result is JsonElement { ValueKind: JsonValueKind.Null } ? "null" : "answered");
            }
            catch (HubException e)
            {
                return new("deny", e.Message);
            }
        }
    }

    private static string MatrixPath([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "route-roles.txt");

    private const string Header = """
        # Who may call what: every route of the portal and every method of the live hub (HUB), and what each caller gets.
        # Checked by RouteRoleSweepTests against the running portal on SQLite and PostgreSQL; regenerate deliberately with
        # BLAZORVAX_WRITE_ROUTE_MATRIX=1 and review the diff. Route parameters are called with 1; POST/PUT send {} as JSON
        # (cookie POSTs without an antiforgery token answer 400, which is past authorization: ok).
        #   ok    got past authorization (2xx, a redirect elsewhere than the login, or 400/404/409/415/422 from the handler)
        #   login 401, or a redirect to /account/login (nobody is signed in for this route's scheme)
        #   deny  403, a redirect to /account/access-denied, or (HUB) a HubException
        # Callers: anonymous; resident = resident-app bearer token (SMS sign-in); pda = the demo doctor's PDA bearer token;
        # the rest are the demo console accounts signed in with a cookie (and the second factor where their role needs it).
        # Left out: static files, _framework/ and _blazor/ (the framework's own plumbing).
        """;

    private static string Render(Dictionary<string, Dictionary<string, Outcome>> observed)
    {
        var width = Math.Max(40, observed.Keys.Max(k => k.Length) + 2);
        var columns = SweepIdentities.Names;
        string Line(string route, IEnumerable<string> cells) =>
            route.PadRight(width) + string.Join(' ', cells.Zip(columns, (c, n) => c.PadRight(Math.Max(n.Length, 5)))).TrimEnd();
        var text = new StringBuilder(Header).Append('\n');
        text.Append(Line("METHOD ROUTE", columns)).Append('\n');
        foreach (var (route, row) in observed.OrderBy(r => r.Key.StartsWith("HUB ", StringComparison.Ordinal)).ThenBy(r => r.Key.Split(' ')[1], StringComparer.Ordinal).ThenBy(r => r.Key, StringComparer.Ordinal))
            text.Append(Line(route, columns.Select(c => row[c].Class))).Append('\n');
        return text.ToString();
    }

    /// <summary>"METHOD /route" to caller to class, columns named by the file's "METHOD ROUTE ..." line.</summary>
    private static Dictionary<string, Dictionary<string, string>> Parse(string[] lines)
    {
        var rows = lines.Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.True(rows.Count > 0 && rows[0] is ["METHOD", "ROUTE", ..], "route-roles.txt needs its METHOD ROUTE header line");
        var columns = rows[0][2..];
        var result = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var cells in rows.Skip(1))
        {
            Assert.True(cells.Length == columns.Length + 2, $"route-roles.txt: {string.Join(' ', cells)} has {cells.Length - 2} cells for {columns.Length} callers");
            result.Add($"{cells[0]} {cells[1]}", columns.Zip(cells[2..]).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal));
        }

        return result;
    }

    private sealed record Outcome(string Class, string Detail);

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}

public sealed class RouteRoleSweepOnSqliteTests : RouteRoleSweepTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class RouteRoleSweepOnPostgreSqlTests : RouteRoleSweepTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
