using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http.Connections.Client;
using Portal.Data.Seed;

namespace Portal.Tests.TestSupport;

/// <summary>One caller of the sweeps: how it signs its HTTP requests and its hub connection.</summary>
public sealed record SweepIdentity(string Name, HttpClient Client, Action<HttpConnectionOptions>? Hub);

/// <summary>Every kind of caller the portal knows, each signed in once through its real front door: nobody, a resident
/// (SMS code, bearer token), the demo doctor's PDA (bearer token) and every demo console account (login form, and the
/// demo authenticator's code for the roles that need one; the cookie is then sent as a header). Clients never follow
/// redirects, so that a redirect to the login page reads as what it is.</summary>
public static class SweepIdentities
{
    public const string Anonymous = "anonymous";
    public const string Resident = "resident";
    public const string Pda = "pda";

    /// <summary>The demo console accounts (Portal/Identity/StaffAccountSeeder.cs), in the matrix's column order.</summary>
    public static readonly IReadOnlyList<string> ConsoleAccounts =
        ["cdc", "pudong", "clinic", "doctor", "employer", "sysadmin", "secadmin", "auditor"];

    public static IReadOnlyList<string> Names { get; } = [Anonymous, Resident, Pda, .. ConsoleAccounts];

    public static async Task<IReadOnlyList<SweepIdentity>> SignInAllAsync(PortalFactory factory)
    {
        var all = new List<SweepIdentity> { new(Anonymous, NewClient(factory), null) };
        var (resident, _) = await factory.SignInResidentAsync(DemoDataSeeder.DemoGuardianPhone);
        var residentToken = resident.DefaultRequestHeaders.Authorization!.Parameter!;
        all.Add(new(Resident, NewClient(factory, bearer: residentToken), LiveHubClient.Bearer(residentToken)));
        var pda = await factory.SignInPdaAsync();
        var pdaToken = pda.DefaultRequestHeaders.Authorization!.Parameter!;
        all.Add(new(Pda, NewClient(factory, bearer: pdaToken), LiveHubClient.Bearer(pdaToken)));
        foreach (var user in ConsoleAccounts)
        {
            var cookie = await factory.SignInConsoleAsync(user);
            all.Add(new(user, NewClient(factory, cookie: cookie), LiveHubClient.Cookie(cookie)));
        }

        return all;
    }

    private static HttpClient NewClient(PortalFactory factory, string? bearer = null, string? cookie = null)
    {
        var client = new HttpClient(factory.Server.CreateHandler()) { BaseAddress = factory.Server.BaseAddress };
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (cookie is not null) client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }
}
