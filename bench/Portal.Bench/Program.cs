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
using Portal.Core.Common.Privacy;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Data;
using Portal.Identity;
using Portal.Tests.TestSupport;
using Portal.Core.Slots;

// dotnet run -c Release --project bench/Portal.Bench -- booking [--provider postgres] [--residents N] [--places M]
//     [--concurrency C] [--warmup-rounds R] [--warmup-residents W] [--warmup-places P] [--json]
//     [--pg-pool N]
// (at most R warm-up rounds of W residents on a P-place slot each; N: PostgreSQL connections, default 16)
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
    // Throwaway keys for this run (Production generates none).
    ["PersonalData:ActiveKeyVersion"] = "1",
    ["PersonalData:Keys:1"] = PersonalDataOptions.NewKey(),
    ["PersonalData:HashKey"] = PersonalDataOptions.NewKey(),
    ["Tokens:SigningKey"] = PersonalDataOptions.NewKey(),
    ["Certificates:SigningKeyPem"] = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKeyPem(),
    ["Sms:Gateway"] = "File",
};
if (options.Provider == "postgres")
{
    settings["Database:Provider"] = "PostgreSql";
    // The pool is sized for a database that shares 2 cores with the portal and the client: with Npgsql's default
    // of 100, 64 server processes competed for the CPU the bookings needed (measured: 3,900-6,200 attempts/s,
    // p99 90-150 ms, max 0.7 s; with 16: 5,500-7,000, p99 57-75 ms). Production sizes it to its server
    // (README: PostgreSQL pool size).
    // A connection string given in BLAZORVAX_BENCH_POSTGRES is used as it is.
    settings["ConnectionStrings:PostgreSql"] = Environment.GetEnvironmentVariable("BLAZORVAX_BENCH_POSTGRES")
        ?? new Npgsql.NpgsqlConnectionStringBuilder(await PostgresServer.CreateDatabaseAsync("bench")) { MaxPoolSize = options.PostgresPool }.ConnectionString;
}
else
{
    settings["Database:Provider"] = "Sqlite";
    settings["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(folder, "bench.db")}";
}

await using var portal = new BenchPortal(settings);
var baseUrl = portal.Start();
Log($"portal on {baseUrl} ({options.Provider}); arranging {options.Residents} residents and {options.Places} places...");
var arranged = await Arrange(portal, options);

using var http = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = options.Concurrency,
    PooledConnectionLifetime = TimeSpan.FromMinutes(10),
}) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };

// Warm-up, as any benchmark harness does. The runtime compiles a method quickly first and optimises it after it
// has been called enough, in the background; on 2 cores that recompilation competes with the requests (measured:
// /health/live went from ~5,500 to ~20,000 requests/s once it settled, and a flash crowd straight after a short
// warm-up recompiled ~1,000 methods a second while it was being measured). So rounds of a small crowd (on its
// own slot, with its own residents: the measured slot starts empty) and the trivial endpoints run until a round
// compiles almost nothing new.
var warmUp = Stopwatch.StartNew();
for (var round = 0; round < arranged.WarmUpSlots.Count; round++)
{
    var compiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
    await Crowd(http, arranged.WarmUpSlots[round], arranged.WarmUp.Skip(round * options.WarmUpResidents).Take(options.WarmUpResidents).ToList(),
        options.Concurrency);
    var health = await Rate(http, options.Concurrency, TimeSpan.FromSeconds(1), "/health/live");
    await Rate(http, options.Concurrency, TimeSpan.FromSeconds(0.5), BenchPortal.RawPingPath);
    var compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - compiledBefore;
    Log($"  warm-up round {round + 1}: {compiled:N0} methods compiled, /health/live {health:N0}/s");
    if (round >= 2 && compiled < 25) break;
}
// The warm-up's booking confirmations are still being sent; let that backlog drain first, so the measured run
// pays for its own confirmations only (they are sent while it runs, as in production).
await using (var drainScope = portal.Services.CreateAsyncScope())
{
    var contexts = drainScope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>();
    for (var wait = Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(500))
    {
        await using var outbox = await contexts.CreateDbContextAsync();
        if (!await outbox.SmsOutbox.AnyAsync(m => m.Status == Portal.Core.Messaging.SmsStatus.Pending)) break;
    }
}
Log($"warm after {warmUp.Elapsed.TotalSeconds:N0} s (SMS backlog sent)");

Log("measuring the ceiling...");
// Ceiling: the same server answering its cheapest endpoint, same concurrency, same client.
var ceiling = await Rate(http, options.Concurrency, TimeSpan.FromSeconds(4), "/health/live");
var rawPing = await Rate(http, options.Concurrency, TimeSpan.FromSeconds(2), BenchPortal.RawPingPath);
Log($"ceiling: {ceiling:N0} requests/s on /health/live; {rawPing:N0} requests/s on a bare middleware before the pipeline");

Log("flash crowd...");
var run = await Crowd(http, arranged.SlotId, arranged.People, options.Concurrency);

await using var scope = portal.Services.CreateAsyncScope();
await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
var booked = (await db.Slots.SingleAsync(s => s.Id == arranged.SlotId)).Booked;
var appointments = await db.Appointments.CountAsync(a => a.SlotId == arranged.SlotId && a.Status == AppointmentStatus.Booked);

var result = new
{
    scenario = "booking-flash-crowd",
    provider = options.Provider,
    residents = options.Residents,
    capacity = options.Places,
    concurrency = options.Concurrency,
    attempts = run.Attempts,
    seconds = Math.Round(run.Seconds, 2),
    attemptsPerSecond = Math.Round(run.Attempts / run.Seconds),
    p50Ms = Math.Round(run.Percentile(0.50), 2),
    p95Ms = Math.Round(run.Percentile(0.95), 2),
    p99Ms = Math.Round(run.Percentile(0.99), 2),
    maxMs = Math.Round(run.Percentile(1), 2),
    statuses = run.Statuses.OrderBy(s => s.Key).ToDictionary(s => s.Key.ToString(), s => s.Value),
    serverErrors = run.Statuses.Where(s => s.Key >= 500).Sum(s => s.Value),
    booked,
    appointments,
    overbooked = Math.Max(0, booked - options.Places),
    soldOutSeconds = Math.Round(run.SoldOutSeconds, 2),
    bookingsPerSecond = run.SoldOutSeconds > 0 ? Math.Round(booked / run.SoldOutSeconds) : 0,
    ceilingRps = Math.Round(ceiling),
    rawPingRps = Math.Round(rawPing),
    ratioToCeiling = Math.Round(run.Attempts / run.Seconds / ceiling, 3),
    cores = Environment.ProcessorCount,
};
Console.WriteLine($"""

    BlazorVax booking flash crowd ({result.provider}, {result.cores} cores)
      residents {result.residents:N0}, places {result.capacity:N0}, concurrency {result.concurrency}
      attempts        {result.attempts:N0} in {result.seconds} s = {result.attemptsPerSecond:N0} attempts/s
      latency         p50 {result.p50Ms} ms, p95 {result.p95Ms} ms, p99 {result.p99Ms} ms, max {result.maxMs} ms
      statuses        {string.Join(", ", result.statuses.Select(s => $"{s.Key}: {s.Value:N0}"))}
      booked          {result.booked:N0} of {result.capacity:N0} (appointments {result.appointments:N0}, overbooked {result.overbooked})
      sold out after  {result.soldOutSeconds} s ({result.bookingsPerSecond:N0} bookings/s)
      ceiling         {result.ceilingRps:N0} requests/s on /health/live (booking = {result.ratioToCeiling:P1} of it); bare middleware {result.rawPingRps:N0}/s
    """);
if (options.Json) Console.WriteLine(JsonSerializer.Serialize(result));
try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
return result.overbooked > 0 || result.serverErrors > 0 || booked != appointments ? 1 : 0;

static void Log(string message) => Console.Error.WriteLine(message);

static async Task<double> Rate(HttpClient http, int concurrency, TimeSpan duration, string path)
{
    var count = 0;
    var until = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        while (until.Elapsed < duration)
        {
            using var r = await http.GetAsync(path);
            await r.Content.ReadAsByteArrayAsync();
            Interlocked.Increment(ref count);
        }
    }));
    return count / until.Elapsed.TotalSeconds;
}

/// <summary>Every resident tries the slot once over real HTTP, retrying only on 429 (as the app does, after Retry-After).</summary>
static async Task<CrowdRun> Crowd(HttpClient http, long slotId, IReadOnlyList<(long ResidentId, string Token)> people, int concurrency)
{
    var latencies = new List<double>(people.Count * 2);
    var statuses = new Dictionary<int, int>();
    var gate = new object();
    var next = -1;
    var attempts = 0;
    long lastCreated = 0;
    var started = Stopwatch.GetTimestamp();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
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
                var done = Stopwatch.GetTimestamp();
                local.Add(Stopwatch.GetElapsedTime(t, done).TotalMilliseconds);
                Interlocked.Increment(ref attempts);
                var code = (int)response.StatusCode;
                localStatus[code] = localStatus.GetValueOrDefault(code) + 1;
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    long seen;
                    while ((seen = Interlocked.Read(ref lastCreated)) < done && Interlocked.CompareExchange(ref lastCreated, done, seen) != seen) { }
                }
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
    var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
    latencies.Sort();
    return new CrowdRun(attempts, seconds, latencies, statuses, lastCreated == 0 ? 0 : Stopwatch.GetElapsedTime(started, lastCreated).TotalSeconds);
}

static async Task<Arranged> Arrange(BenchPortal portal, BenchOptions o)
{
    await using var scope = portal.Services.CreateAsyncScope();
    var tokens = scope.ServiceProvider.GetRequiredService<TokenService>();
    var protector = scope.ServiceProvider.GetRequiredService<IPersonalDataProtector>();
    await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
    db.ChangeTracker.AutoDetectChangesEnabled = false;
    var street = await db.Streets.OrderBy(s => s.Code).FirstAsync();
    var product = await db.Products.FirstAsync(p => p.Code == "COVID-BIBP");
    var site = new Site { Code = "BENCH-01", Name = "压测门诊", Kind = SiteKind.Clinic, DistrictCode = street.DistrictCode, StreetCode = street.Code };
    db.Sites.Add(site);
    await db.SaveChangesAsync();
    var today = ChinaTime.Today(TimeProvider.System);
    Slot NewSlot(int places, int daysAhead) =>
        new() { SiteId = site.Id, ProductId = product.Id, Date = today.AddDays(daysAhead), StartTime = new TimeOnly(9, 0), EndTime = new TimeOnly(11, 0), Capacity = places };
    var slot = NewSlot(o.Places, 1);
    var warmUpSlots = Enumerable.Range(0, o.WarmUpRounds).Select(i => NewSlot(o.WarmUpPlaces, 2 + i)).ToList();
    db.Slots.Add(slot);
    db.Slots.AddRange(warmUpSlots);
    var total = o.Residents + o.WarmUpResidents * o.WarmUpRounds;
    // Real encrypted phone numbers: the booking confirmation SMS is sent (file gateway) as in production.
    var accounts = Enumerable.Range(0, total).Select(i =>
    {
        var phone = $"139{i:D8}";
        return new ResidentAccount { PhoneHash = protector.LookupHash(phone), PhoneCipher = protector.Protect(phone), PhoneMasked = Masking.MaskPhone(phone) };
    }).ToList();
    var residents = Enumerable.Range(0, total).Select(i => new Resident
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
    return new Arranged(slot.Id, people[..o.Residents], warmUpSlots.Select(w => w.Id).ToList(), people[o.Residents..]);
}

internal sealed record Arranged(long SlotId, List<(long ResidentId, string Token)> People, List<long> WarmUpSlots, List<(long ResidentId, string Token)> WarmUp);

internal sealed record CrowdRun(int Attempts, double Seconds, List<double> SortedLatencies, Dictionary<int, int> Statuses, double SoldOutSeconds)
{
    public double Percentile(double q) =>
        SortedLatencies.Count == 0 ? 0 : SortedLatencies[Math.Clamp((int)Math.Ceiling(q * SortedLatencies.Count) - 1, 0, SortedLatencies.Count - 1)];
}

internal sealed record BenchOptions(string Command, string Provider, int Residents, int Places, int Concurrency, bool Json,
    int WarmUpResidents, int WarmUpPlaces, int WarmUpRounds, int PostgresPool)
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
            int.Parse(Value("--residents", "20000")), int.Parse(Value("--places", "1000")), int.Parse(Value("--concurrency", "64")), args.Contains("--json"),
            int.Parse(Value("--warmup-residents", "2000")), int.Parse(Value("--warmup-places", "100")),
            int.Parse(Value("--warmup-rounds", "15")), int.Parse(Value("--pg-pool", "16")));
    }
}
