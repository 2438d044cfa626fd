using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Bench;
using Portal.Core.Booking;
using Portal.Core.Common;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Data;
using Portal.Identity;
using Portal.Tests.TestSupport;

// dotnet run -c Release --project bench/Portal.Bench -- booking [--provider postgres] [--residents N] [--places M]
//     [--concurrency C] [--json]
var options = BenchOptions.Parse(args);
if (options.Command != "booking")
{
    Console.Error.WriteLine("usage: booking [--provider sqlite|postgres] [--residents N] [--places M] [--concurrency C] [--json]");
    return 2;
}

var folder = Path.Combine(Path.GetTempPath(), "blazorvax-bench", Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(folder);
var settings = new Dictionary<string, string?>
{
    ["DataFolder"] = folder,
    ["Seed:Demo:Enabled"] = "false",
    ["Logging:LogLevel:Default"] = "Warning",
    // Every bench client comes from 127.0.0.1: the per-IP limits would measure the limiter, not the
    // booking path. Per-token limits stay as configured.
    ["RateLimits:BookingPerIp:TokenLimit"] = "1000000",
    ["RateLimits:BookingPerIp:TokensPerPeriod"] = "1000000",
};
if (options.Provider == "postgres")
{
    settings["Database:Provider"] = "PostgreSql";
    settings["ConnectionStrings:PostgreSql"] = Environment.GetEnvironmentVariable("BLAZORVAX_BENCH_POSTGRES")
        ?? await PostgresServer.CreateDatabaseAsync("bench");
}
else
{
    settings["Database:Provider"] = "Sqlite";
    settings["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(folder, "bench.db")}";
}

await using var portal = new BenchPortal(settings);
var baseUrl = portal.Start();
Log($"portal on {baseUrl} ({options.Provider}); arranging {options.Residents} residents and {options.Places} places...");
var (slotId, people) = await Arrange(portal, options);

using var http = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = options.Concurrency,
    PooledConnectionLifetime = TimeSpan.FromMinutes(10),
}) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };

// Ceiling first: the same server answering its cheapest endpoint, same concurrency, same client.
var ceiling = await Ceiling(http, options.Concurrency, TimeSpan.FromSeconds(4));
Log($"ceiling: {ceiling:N0} requests/s on /health/live");

var latencies = new List<double>(people.Count * 2);
var statuses = new Dictionary<int, int>();
var gate = new object();
var next = -1;
var attempts = 0;
var started = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(async _ =>
{
    var local = new List<double>();
    var localStatus = new Dictionary<int, int>();
    int i;
    while ((i = Interlocked.Increment(ref next)) < people.Count)
    {
        var (residentId, token) = people[i];
        for (var retry = 0; retry < 50; retry++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/appointments")
            {
                Content = JsonContent.Create(new { slotId, residentId }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var t = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            local.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            Interlocked.Increment(ref attempts);
            var code = (int)response.StatusCode;
            localStatus[code] = localStatus.GetValueOrDefault(code) + 1;
            if (response.StatusCode != HttpStatusCode.TooManyRequests) break;
            // A real app waits Retry-After seconds; the bench caps the wait so the run stays short.
            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(50);
            await Task.Delay(wait > TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : wait);
        }
    }
    lock (gate)
    {
        latencies.AddRange(local);
        foreach (var (k, v) in localStatus) statuses[k] = statuses.GetValueOrDefault(k) + v;
    }
}));
var elapsed = started.Elapsed.TotalSeconds;

await using var scope = portal.Services.CreateAsyncScope();
await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
var booked = (await db.Slots.SingleAsync(s => s.Id == slotId)).Booked;
var appointments = await db.Appointments.CountAsync(a => a.SlotId == slotId && a.Status == AppointmentStatus.Booked);

latencies.Sort();
double P(double q) => latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
var result = new
{
    scenario = "booking-flash-crowd",
    provider = options.Provider,
    residents = options.Residents,
    capacity = options.Places,
    concurrency = options.Concurrency,
    attempts,
    seconds = Math.Round(elapsed, 2),
    attemptsPerSecond = Math.Round(attempts / elapsed),
    p50Ms = Math.Round(P(0.50), 2),
    p95Ms = Math.Round(P(0.95), 2),
    p99Ms = Math.Round(P(0.99), 2),
    statuses = statuses.OrderBy(s => s.Key).ToDictionary(s => s.Key.ToString(), s => s.Value),
    serverErrors = statuses.Where(s => s.Key >= 500).Sum(s => s.Value),
    booked,
    appointments,
    overbooked = Math.Max(0, booked - options.Places),
    ceilingRps = Math.Round(ceiling),
    ratioToCeiling = Math.Round(attempts / elapsed / ceiling, 3),
    cores = Environment.ProcessorCount,
};
Console.WriteLine($"""

    BlazorVax booking flash crowd ({result.provider}, {result.cores} cores)
      residents {result.residents:N0}, places {result.capacity:N0}, concurrency {result.concurrency}
      attempts        {result.attempts:N0} in {result.seconds} s = {result.attemptsPerSecond:N0} attempts/s
      latency         p50 {result.p50Ms} ms, p95 {result.p95Ms} ms, p99 {result.p99Ms} ms
      statuses        {string.Join(", ", result.statuses.Select(s => $"{s.Key}: {s.Value:N0}"))}
      booked          {result.booked:N0} of {result.capacity:N0} (appointments {result.appointments:N0}, overbooked {result.overbooked})
      ceiling         {result.ceilingRps:N0} requests/s on /health/live (booking = {result.ratioToCeiling:P1} of it)
    """);
if (options.Json) Console.WriteLine(JsonSerializer.Serialize(result));
try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
return result.overbooked > 0 || result.serverErrors > 0 || booked != appointments ? 1 : 0;

static void Log(string message) => Console.Error.WriteLine(message);

static async Task<double> Ceiling(HttpClient http, int concurrency, TimeSpan duration)
{
    var count = 0;
    var until = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        while (until.Elapsed < duration)
        {
            using var r = await http.GetAsync("/health/live");
            await r.Content.ReadAsByteArrayAsync();
            Interlocked.Increment(ref count);
        }
    }));
    return count / until.Elapsed.TotalSeconds;
}

static async Task<(long SlotId, List<(long ResidentId, string Token)> People)> Arrange(BenchPortal portal, BenchOptions o)
{
    await using var scope = portal.Services.CreateAsyncScope();
    var tokens = scope.ServiceProvider.GetRequiredService<TokenService>();
    await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
    db.ChangeTracker.AutoDetectChangesEnabled = false;
    var street = await db.Streets.OrderBy(s => s.Code).FirstAsync();
    var product = await db.Products.FirstAsync(p => p.Code == "COVID-BIBP");
    var site = new Site { Code = "BENCH-01", Name = "压测门诊", Kind = SiteKind.Clinic, DistrictCode = street.DistrictCode, StreetCode = street.Code };
    db.Sites.Add(site);
    await db.SaveChangesAsync();
    var today = ChinaTime.Today(TimeProvider.System);
    var slot = new Slot { SiteId = site.Id, ProductId = product.Id, Date = today.AddDays(1), StartTime = new TimeOnly(9, 0), EndTime = new TimeOnly(11, 0), Capacity = o.Places };
    db.Slots.Add(slot);
    var accounts = Enumerable.Range(0, o.Residents).Select(i => new ResidentAccount { PhoneHash = $"bench-{i}", PhoneCipher = "-", PhoneMasked = "-" }).ToList();
    var residents = Enumerable.Range(0, o.Residents).Select(i => new Resident
    {
        Name = $"压测{i}", IdKind = IdDocumentKind.Passport, IdNumberCipher = "-", IdNumberHash = $"bench-{i}", IdNumberMasked = "-",
        Sex = i % 2 == 0 ? Sex.Female : Sex.Male, BirthDate = today.AddYears(-20 - i % 40), Residency = ResidencyKind.Household,
    }).ToList();
    db.ResidentAccounts.AddRange(accounts);
    db.Residents.AddRange(residents);
    await db.SaveChangesAsync();
    db.FamilyMembers.AddRange(accounts.Zip(residents).Select(p => new FamilyMember { AccountId = p.First.Id, ResidentId = p.Second.Id, Relationship = Relationship.Self }));
    await db.SaveChangesAsync();
    var people = accounts.Zip(residents).Select(p => (p.Second.Id, tokens.IssueResidentToken(p.First.Id).Token)).ToList();
    // Shuffle deterministically so rows are not booked in insertion order.
    var rng = new Random(7);
    for (var i = people.Count - 1; i > 0; i--) { var j = rng.Next(i + 1); (people[i], people[j]) = (people[j], people[i]); }
    return (slot.Id, people);
}

internal sealed record BenchOptions(string Command, string Provider, int Residents, int Places, int Concurrency, bool Json)
{
    public static BenchOptions Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        var provider = Value("--provider", "sqlite").ToLowerInvariant();
        return new BenchOptions(args.FirstOrDefault(a => !a.StartsWith("--")) ?? "", provider is "postgres" or "postgresql" ? "postgres" : "sqlite",
            int.Parse(Value("--residents", "20000")), int.Parse(Value("--places", "1000")), int.Parse(Value("--concurrency", "64")), args.Contains("--json"));
    }
}
