using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;

namespace Portal.Tests.TestSupport;

/// <summary>The real Portal over HTTP (in-memory test server), on a fresh SQLite file or a fresh
/// PostgreSQL database, with a small deterministic demo dataset and its own data folder.</summary>
public sealed class PortalFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public string DataFolder { get; }
    public DatabaseProvider Provider { get; }

    /// <summary>"Development" unless a test sets another before the first request (e.g. "Production" for the
    /// Secure cookies; then it also supplies the keys Development would generate).</summary>
    public string EnvironmentName { get; set; } = "Development";

    private PortalFactory(DatabaseProvider provider, string? connectionString, IDictionary<string, string?>? extra)
    {
        Provider = provider;
        DataFolder = Path.Combine(TestEnvironment.RunDirectory, "portal-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(DataFolder);
        _settings = new()
        {
            ["DataFolder"] = DataFolder,
            ["Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:Sqlite"] = provider == DatabaseProvider.Sqlite ? SqliteFiles.ConnectionStringFor(Path.Combine(DataFolder, "portal.db")) : null,
            ["ConnectionStrings:PostgreSql"] = provider == DatabaseProvider.PostgreSql ? connectionString : null,
            ["Seed:Demo:Enabled"] = "true",
            ["Seed:Demo:SitesPerDistrict"] = "1",
            ["Seed:Demo:Residents"] = "120",
            ["Seed:Demo:Days"] = "3",
            ["Seed:Demo:InjectionsPerDay"] = "20",
            ["Seed:Demo:SlotDaysAhead"] = "3",
            ["Seed:Demo:Employers"] = "3",
            ["Sms:Gateway"] = "File",
        };
        if (extra is not null)
            foreach (var (k, v) in extra) _settings[k] = v;
    }

    public static PortalFactory Sqlite(IDictionary<string, string?>? extra = null) => new(DatabaseProvider.Sqlite, null, extra);

    public static async Task<PortalFactory> PostgreSqlAsync(IDictionary<string, string?>? extra = null)
    {
        Requirements.PostgreSql();
        return new(DatabaseProvider.PostgreSql, await PostgresServer.CreateDatabaseAsync("portal"), extra);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        foreach (var (k, v) in _settings)
            if (v is not null) builder.UseSetting(k, v);
    }

    /// <summary>A bookable COVID inactivated slot today, all day, at the demo doctor's site (the first site by code).</summary>
    public Task<long> CreateTodaySlotAsync(int capacity = 5) => WithDbAsync(async db =>
    {
        var site = await db.Sites.OrderBy(s => s.Code).FirstAsync();
        var product = await db.Products.FirstAsync(p => p.Code == "COVID-BIBP");
        var slot = new Core.Slots.Slot
        {
            SiteId = site.Id, ProductId = product.Id, Date = Core.Common.ChinaTime.Today(TimeProvider.System),
            StartTime = new TimeOnly(0, 0), EndTime = new TimeOnly(23, 59), Capacity = capacity,
        };
        db.Slots.Add(slot);
        await db.SaveChangesAsync();
        return slot.Id;
    });

    /// <summary>Serves the portal on a real loopback port (for a browser) and returns its base address.</summary>
    public string StartOnLoopback()
    {
        UseKestrel(0);
        StartServer();
        return Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1");
    }

    public string SmsOutboxPath => Path.Combine(DataFolder, "sms", "outbox.jsonl");

    public async Task<T> WithDbAsync<T>(Func<PortalDbContext, Task<T>> work)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await work(db);
    }

    /// <summary>Requests an SMS code, reads it from the dev outbox file, exchanges it for a token.</summary>
    public async Task<(HttpClient Client, long AccountId)> SignInResidentAsync(string phone)
    {
        var client = CreateClient();
        (await client.PostAsJsonAsync("/api/v1/auth/sms-code", new { phone })).EnsureSuccessStatusCode();
        var code = LatestSmsCode(phone);
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { phone, code });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<TokenBody>())!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        return (client, token.AccountId);
    }

    public string LatestSmsCode(string phone)
    {
        var line = File.ReadAllLines(SmsOutboxPath).Last(l => l.Contains(phone, StringComparison.Ordinal) && l.Contains("验证码是", StringComparison.Ordinal));
        var match = System.Text.RegularExpressions.Regex.Match(line, @"验证码是(\d{6})");
        Assert.True(match.Success, $"no code in SMS line: {line}");
        return match.Groups[1].Value;
    }

    /// <summary>The one-time codes of link requests sent to <paramref name="phone"/> so far, oldest first.</summary>
    public IReadOnlyList<string> LinkCodes(string phone) =>
        !File.Exists(SmsOutboxPath) ? []
            : File.ReadAllLines(SmsOutboxPath).Where(l => l.Contains(phone, StringComparison.Ordinal) && l.Contains("申请代", StringComparison.Ordinal))
                .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"验证码(\d{6})，"))
                .Select(m => m.Success ? m.Groups[1].Value : throw new InvalidOperationException("a link SMS without a code"))
                .ToList();

    /// <summary>Waits for the <paramref name="count"/>th link-request code to <paramref name="phone"/> (they leave in the
    /// background, after the request was answered) and returns it.</summary>
    public async Task<string> WaitForLinkCodeAsync(string phone, int count = 1)
    {
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(15); waited += TimeSpan.FromMilliseconds(50))
        {
            var codes = LinkCodes(phone);
            if (codes.Count >= count) return codes[count - 1];
            await Task.Delay(50);
        }
        throw new TimeoutException($"no link code #{count} was sent to {phone}");
    }

    public async Task<HttpClient> SignInPdaAsync(string userName = "doctor", string password = "BlazorVax@2026")
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/pda/login", new { userName, password });
        response.EnsureSuccessStatusCode();
        var body = (await response.Content.ReadFromJsonAsync<TokenBody>())!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.AccessToken);
        return client;
    }

    /// <summary>Signs a staff member in through the console's login form (demo password) and returns the
    /// <c>Cookie</c> header that carries the session, for clients that are not an HttpClient (SignalR).</summary>
    /// <summary>Signs a demo staff account in through the static login form (and, for the roles that need one, the demo
    /// authenticator's code); returns the Cookie header of the signed-in browser.</summary>
    public async Task<string> SignInConsoleAsync(string userName)
    {
        using var session = ConsoleSession.Open(this);
        await session.SignInAsync(userName);
        return session.Cookies.GetCookieHeader(session.BaseAddress);
    }

    private sealed record TokenBody(string AccessToken, long AccountId);
}
