using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Areas;
using Portal.Core.Common;
using Portal.Core.Employers;
using Portal.Core.Identity;
using Portal.Core.Injections;
using Portal.Core.Sites;
using Portal.Core.Statistics;
using Portal.Data;
using Portal.Tests.TestSupport;
using static Portal.Tests.TestSupport.LiveHubClient;

namespace Portal.Tests.Integration;

/// <summary>
/// The live hub of the real Portal, signed in through the console's login form or the PDA's, over real figures: who is
/// refused, and that every client's snapshots (on request and pushed, read as raw JSON) and injections stay inside its
/// data scope. Today's counters are arranged so that each scope has doses of its own and of someone else's next to it.
/// </summary>
public abstract class LiveHubScopeTests : PortalOnProvider
{
    private const string Pudong = "310115";

    private List<District> districts = [];
    private List<Employer> employers = [];
    private Site pudongSite = null!;
    private Site xuhuiSite = null!;
    private long clinicSiteId;
    private long employerAccountId;
    private Employer pudongEmployer = null!;
    private Employer outsider = null!;

    protected override async Task ArrangeAsync()
    {
        var today = ChinaTime.Today(TimeProvider.System);
        await Factory.WithDbAsync(async db =>
        {
            pudongSite = await db.Sites.Where(s => s.DistrictCode == Pudong).OrderBy(s => s.Code).FirstAsync();
            xuhuiSite = await db.Sites.Where(s => s.DistrictCode == "310104").OrderBy(s => s.Code).FirstAsync();
            clinicSiteId = (await db.Set<StaffUser>().SingleAsync(u => u.UserName == "clinic")).ScopeSiteId!.Value;
            employerAccountId = (await db.Set<StaffUser>().SingleAsync(u => u.UserName == "employer")).ScopeEmployerId!.Value;
            pudongEmployer = new Employer { Name = "浦东直播测试有限公司", CreditCode = "91310115LIVE00001X", DistrictCode = Pudong, StreetCode = pudongSite.StreetCode, HeadCount = 100 };
            outsider = new Employer { Name = "徐汇直播测试有限公司", CreditCode = "91310104LIVE00002X", DistrictCode = "310104", StreetCode = xuhuiSite.StreetCode, HeadCount = 100 };
            db.Employers.AddRange(pudongEmployer, outsider);
            await db.SaveChangesAsync();
            var clinic = await db.Sites.SingleAsync(s => s.Id == clinicSiteId);
            var product = await db.Products.OrderBy(p => p.Id).FirstAsync();
            DailyInjectionStat Stat(Site site, long employer, int count) => new()
            {
                Date = today, DistrictCode = site.DistrictCode, StreetCode = site.StreetCode, SiteId = site.Id, EmployerId = employer,
                ProgrammeId = product.ProgrammeId, ProductId = product.Id, DoseNumber = 1, Count = count,
            };
            db.DailyInjectionStats.AddRange(
                Stat(pudongSite, pudongEmployer.Id, 5),
                Stat(pudongSite, outsider.Id, 3),          // in 浦东, to another district's employer's staff
                Stat(xuhuiSite, outsider.Id, 2),
                Stat(clinic, employerAccountId, 4),
                Stat(xuhuiSite, employerAccountId, 6));
            await db.SaveChangesAsync();
            districts = await db.Districts.AsNoTracking().ToListAsync();
            employers = await db.Employers.AsNoTracking().ToListAsync();
            return 0;
        });
    }

    [SkippableFact]
    public async Task Residents_the_mlps_administrators_console_doctors_and_anonymous_callers_are_refused()
    {
        SkipUnlessAvailable();
        var server = Factory.Server;

        Assert.Equal(HttpStatusCode.Unauthorized, (await Assert.ThrowsAsync<HttpRequestException>(() => ConnectAsync(server))).StatusCode);
        var (resident, _) = await Factory.SignInResidentAsync(TestIds.NewPhone());
        var residentToken = resident.DefaultRequestHeaders.Authorization!.Parameter!;
        Assert.Equal(HttpStatusCode.Forbidden, (await Assert.ThrowsAsync<HttpRequestException>(() => ConnectAsync(server, Bearer(residentToken)))).StatusCode);
        foreach (var user in new[] { "sysadmin", "secadmin", "auditor", "doctor" })
        {
            var cookie = await Factory.SignInConsoleAsync(user);
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => ConnectAsync(server, Cookie(cookie)));
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{user}: {refused.StatusCode}");
        }
    }

    [SkippableFact]
    public async Task A_district_user_gets_only_its_district_on_request_and_pushed_and_only_its_injections()
    {
        SkipUnlessAvailable();
        await using var client = await ConnectAsync(Factory.Server, Cookie(await Factory.SignInConsoleAsync("pudong")));

        var (json, snapshot) = await client.GetSnapshotAsync();

        Assert.Equal(($"district:{Pudong}", "浦东新区"), (snapshot!.Scope!.Key, snapshot.Scope.Name));
        Assert.Equal([(Pudong, 1)], snapshot.Districts.Select(d => (d.Code, d.Rank)));
        Assert.All(snapshot.TopStreets, s => Assert.Equal(Pudong, s.DistrictCode));
        Assert.Contains(snapshot.TopEmployers, e => e.Id == pudongEmployer.Id);
        Assert.All(snapshot.TopEmployers, e => Assert.Equal(Pudong, employers.Single(x => x.Id == e.Id).DistrictCode));
        Assert.All(snapshot.Targets, t => Assert.Equal(Pudong, t.DistrictCode));
        Assert.Equal(await CountedAsync(s => s.DistrictCode == Pudong), snapshot.CumulativeTotal);
        Assert.Equal(8, snapshot.TodayTotal);
        AssertOnlyDistrict(json, Pudong);

        var inside = Injection(1, pudongSite, outsider.Id);
        await AssertInjectionsAsync(client, inside, outside: Injection(2, xuhuiSite, pudongEmployer.Id),
            received: inside with { EmployerId = null }); // the resident's employer is another district's
        AssertOnlyDistrict(await client.NextSnapshotJsonAsync(), Pudong);
    }

    [SkippableFact]
    public async Task A_site_user_and_a_pda_get_only_their_site_without_area_rates_employers_or_targets()
    {
        SkipUnlessAvailable();
        await using var admin = await ConnectAsync(Factory.Server, Cookie(await Factory.SignInConsoleAsync("clinic")));
        var pda = await Factory.SignInPdaAsync();
        await using var handheld = await ConnectAsync(Factory.Server, Bearer(pda.DefaultRequestHeaders.Authorization!.Parameter!));

        foreach (var client in new[] { admin, handheld })
        {
            var (json, snapshot) = await client.GetSnapshotAsync();
            Assert.Equal($"site:{clinicSiteId}", snapshot!.Scope!.Key);
            Assert.Equal(await CountedAsync(s => s.SiteId == clinicSiteId), snapshot.CumulativeTotal);
            Assert.Equal(4, snapshot.TodayTotal);
            Assert.Empty(snapshot.Districts);
            Assert.Empty(snapshot.TopStreets);
            Assert.Empty(snapshot.TopEmployers);
            Assert.Empty(snapshot.Targets);
            AssertNoAreaOrEmployerNames(json, except: null);
        }

        var clinic = await Factory.WithDbAsync(db => db.Sites.SingleAsync(s => s.Id == clinicSiteId));
        await AssertInjectionsAsync(handheld, inside: Injection(3, clinic, null), outside: Injection(4, pudongSite, null));
        AssertNoAreaOrEmployerNames(await handheld.NextSnapshotJsonAsync(), except: null);
    }

    [SkippableFact]
    public async Task An_employer_user_gets_only_its_own_staff_s_doses()
    {
        SkipUnlessAvailable();
        await using var client = await ConnectAsync(Factory.Server, Cookie(await Factory.SignInConsoleAsync("employer")));

        var (json, snapshot) = await client.GetSnapshotAsync();

        Assert.Equal($"employer:{employerAccountId}", snapshot!.Scope!.Key);
        Assert.Equal(await CountedAsync(s => s.EmployerId == employerAccountId), snapshot.CumulativeTotal);
        Assert.Equal(4 + 6, snapshot.TodayTotal);
        Assert.Equal([employerAccountId], snapshot.TopEmployers.Select(e => e.Id));
        Assert.Empty(snapshot.Districts);
        Assert.Empty(snapshot.TopStreets);
        Assert.Empty(snapshot.Targets);
        var own = employers.Single(e => e.Id == employerAccountId);
        AssertNoAreaOrEmployerNames(json, except: own);

        await AssertInjectionsAsync(client, inside: Injection(5, xuhuiSite, employerAccountId), outside: Injection(6, xuhuiSite, outsider.Id));
        AssertNoAreaOrEmployerNames(await client.NextSnapshotJsonAsync(), except: own);
    }

    [SkippableFact]
    public async Task The_city_user_sees_every_district_employer_and_injection()
    {
        SkipUnlessAvailable();
        await using var client = await ConnectAsync(Factory.Server, Cookie(await Factory.SignInConsoleAsync("cdc")));

        var (json, snapshot) = await client.GetSnapshotAsync();

        Assert.Equal("city", snapshot!.Scope!.Key);
        Assert.Equal(districts.Count, snapshot.Districts.Count);
        Assert.Equal(await CountedAsync(_ => true), snapshot.CumulativeTotal);
        Assert.Equal(5 + 3 + 2 + 4 + 6, snapshot.TodayTotal);
        Assert.Contains(pudongEmployer.Name, json);
        Assert.Contains(outsider.Name, json);

        var injection = Injection(7, xuhuiSite, outsider.Id);
        await Factory.Services.GetRequiredService<IInjectionEventSink>().PublishAsync(injection);
        Assert.Equal(injection, await client.NextInjectionAsync());
        Assert.Equal("city", (await client.NextSnapshotAsync()).Scope!.Key);
    }

    /// <summary>Publishes an injection outside the client's scope, then one inside: the first one the client hears of is the
    /// inside one (the sends are awaited in order), as <paramref name="received"/> when given, and nothing follows it.</summary>
    private async Task AssertInjectionsAsync(LiveHubClient client, InjectionRecorded inside, InjectionRecorded outside, InjectionRecorded? received = null)
    {
        var sink = Factory.Services.GetRequiredService<IInjectionEventSink>();
        await sink.PublishAsync(outside);
        await sink.PublishAsync(inside);
        Assert.Equal(received ?? inside, await client.NextInjectionAsync());
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.False(client.Injections.Reader.TryRead(out var extra), $"injection {extra?.InjectionId} is outside the scope");
    }

    /// <summary>No other district's code or name, and no employer of another district, anywhere in the JSON.</summary>
    private void AssertOnlyDistrict(string json, string code)
    {
        Assert.Contains($"\"{code}\"", json);
        foreach (var other in districts.Where(d => d.Code != code))
        {
            Assert.DoesNotContain($"\"{other.Code}\"", json);
            Assert.DoesNotContain($"district:{other.Code}", json);
            Assert.DoesNotContain(other.Name, json);
        }

        foreach (var employer in employers.Where(e => e.DistrictCode != code))
            Assert.DoesNotContain(employer.Name, json);
    }

    /// <summary>No district (code or name) and no employer but <paramref name="except"/> anywhere in the JSON.</summary>
    private void AssertNoAreaOrEmployerNames(string json, Employer? except)
    {
        foreach (var district in districts)
        {
            Assert.DoesNotContain($"\"{district.Code}\"", json);
            Assert.DoesNotContain(district.Name, json);
        }

        foreach (var employer in employers.Where(e => e.Id != except?.Id))
            Assert.DoesNotContain(employer.Name, json);
        if (except is not null)
            Assert.Contains(except.Name, json);
    }

    private static InjectionRecorded Injection(long id, Site site, long? employer) =>
        new(id, DateTimeOffset.UtcNow, ChinaTime.Today(TimeProvider.System), site.Id, site.DistrictCode, site.StreetCode, employer, 1, 1, 1);

    private Task<long> CountedAsync(System.Linq.Expressions.Expression<Func<DailyInjectionStat, bool>> where)
    {
        var today = ChinaTime.Today(TimeProvider.System);
        return Factory.WithDbAsync(async db => await db.DailyInjectionStats.Where(s => s.Date <= today).Where(where).SumAsync(s => (long?)s.Count) ?? 0);
    }
}

public sealed class LiveHubScopeOnSqliteTests : LiveHubScopeTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class LiveHubScopeOnPostgreSqlTests : LiveHubScopeTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
