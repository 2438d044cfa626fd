using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Auditing;
using Portal.Core.Identity;
using Portal.Data;
using Portal.Tests.TestSupport;
using static Portal.Tests.TestSupport.StaffSignInKit;

namespace Portal.Tests.Integration;

/// <summary>The sign-in guard over real HTTP (the PDA login and the console form): per-source throttles with a truthful
/// Retry-After, one answer for unknown and known names, no account lockout anyone can trigger, bounded audit entries.</summary>
public abstract class SignInGuardTests : PortalOnProvider
{
    private const string Password = ConsoleSession.Password;

    [SkippableFact]
    public async Task Unknown_and_known_names_get_the_same_status_code_message_and_time()
    {
        SkipUnlessAvailable();
        var unknown = await PdaLoginAsync(Factory, "198.51.100.1", "nobody-here", "wrong");
        var known = await PdaLoginAsync(Factory, "198.51.100.2", "doctor", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(unknown.StatusCode, known.StatusCode);
        var (a, b) = (await unknown.Content.ReadFromJsonAsync<JsonElement>(), await known.Content.ReadFromJsonAsync<JsonElement>());
        foreach (var field in new[] { "code", "title", "titleZh", "titleEn", "detail" })
            Assert.Equal(a.GetProperty(field).GetString(), b.GetProperty(field).GetString());

        // The console says the same too.
        using var console = ConsoleSession.Open(Factory, "198.51.100.3");
        var consoleUnknown = await (await console.PasswordAsync("nobody-here", "wrong")).Content.ReadAsStringAsync();
        var consoleKnown = await (await console.PasswordAsync("doctor", "wrong")).Content.ReadAsStringAsync();
        Assert.Contains("用户名或密码错误", consoleUnknown);
        Assert.Contains("用户名或密码错误", consoleKnown);

        // Time: an unknown name used to answer in 3 ms and a known one in 90 ms (a password hash). Medians of a few
        // tries, each from its own address so that no throttle interferes.
        var unknownTimes = new List<double>();
        var knownTimes = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            unknownTimes.Add(await TimeAsync($"198.51.101.{i}", $"ghost{i}"));
            knownTimes.Add(await TimeAsync($"198.51.102.{i}", "doctor"));
        }
        var (u, k) = (Median(unknownTimes), Median(knownTimes));
        Assert.True(u > k / 3 && u < k * 3, $"unknown name {u:F1} ms, known name {k:F1} ms");
    }

    [SkippableFact]
    public async Task Five_failures_block_the_name_from_that_address_only_with_a_truthful_retry_after_and_no_lockout()
    {
        SkipUnlessAvailable();
        const string attacker = "203.0.113.10";
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await PdaLoginAsync(Factory, attacker, "clinic", "wrong")).StatusCode);

        var blocked = await PdaLoginAsync(Factory, attacker, "clinic", Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.Equal(IdentityErrors.SignInBlocked.Code, await ProblemCodeAsync(blocked));
        var retry = blocked.Headers.RetryAfter?.Delta;
        Assert.NotNull(retry);
        Assert.InRange(retry.Value.TotalSeconds, 14 * 60, 15 * 60);

        // Identity's account lockout is not used: the account is not locked, and the clinic signs in from its own address.
        var clinic = await UserAsync(Factory, "clinic");
        Assert.Null(clinic.LockoutEnd);
        Assert.Equal(0, clinic.AccessFailedCount);
        Assert.Equal(HttpStatusCode.OK, (await PdaLoginAsync(Factory, "192.0.2.50", "clinic", Password)).StatusCode);

        // Truthful: a minute before Retry-After the pair is still refused; at Retry-After it may try again.
        await AgeAttemptsAsync(attacker, retry.Value - TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PdaLoginAsync(Factory, attacker, "clinic", Password)).StatusCode);
        await AgeAttemptsAsync(attacker, TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await PdaLoginAsync(Factory, attacker, "clinic", Password)).StatusCode);
    }

    [SkippableFact]
    public async Task Twenty_failures_from_one_address_block_it_for_every_name()
    {
        SkipUnlessAvailable();
        const string sprayer = "203.0.113.20";
        for (var i = 0; i < 20; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await PdaLoginAsync(Factory, sprayer, $"guess{i}", "wrong")).StatusCode);

        var blocked = await PdaLoginAsync(Factory, sprayer, "doctor", Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.NotNull(blocked.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, (await PdaLoginAsync(Factory, "192.0.2.60", "doctor", Password)).StatusCode);
    }

    [SkippableFact]
    public async Task A_distributed_guesser_cannot_lock_the_clinic_out_from_its_own_network()
    {
        SkipUnlessAvailable();
        const string clinicNetwork = "192.0.2.70";
        Assert.Equal(HttpStatusCode.OK, (await PdaLoginAsync(Factory, clinicNetwork, "doctor", Password)).StatusCode);

        // 7 addresses x 5 failures = 35, more than the name-wide limit (30).
        for (var a = 0; a < 7; a++)
            for (var i = 0; i < 5; i++)
                await PdaLoginAsync(Factory, $"203.0.113.{100 + a}", "doctor", "wrong");

        // A new address is refused for that name for now ...
        var stranger = await PdaLoginAsync(Factory, "203.0.113.200", "doctor", Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, stranger.StatusCode);
        // ... but the clinic, which signed in from its network before, is not.
        Assert.Equal(HttpStatusCode.OK, (await PdaLoginAsync(Factory, clinicNetwork, "doctor", Password)).StatusCode);
        Assert.Null((await UserAsync(Factory, "doctor")).LockoutEnd);
    }

    [SkippableFact]
    public async Task An_administrators_lock_still_refuses_the_right_password_and_says_nothing_to_a_wrong_one()
    {
        SkipUnlessAvailable();
        await Factory.WithDbAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.UserName == "doctor");
            user.LockoutEnd = DateTimeOffset.UtcNow.AddHours(1);
            return await db.SaveChangesAsync();
        });
        var right = await PdaLoginAsync(Factory, "192.0.2.80", "doctor", Password);
        Assert.Equal(HttpStatusCode.Forbidden, right.StatusCode);
        Assert.Equal(IdentityErrors.AccountLocked.Code, await ProblemCodeAsync(right));
        var wrong = await PdaLoginAsync(Factory, "192.0.2.81", "doctor", "wrong");
        Assert.Equal(IdentityErrors.BadCredentials.Code, await ProblemCodeAsync(wrong));
    }

    [SkippableFact]
    public async Task Sign_ins_are_audited_as_success_failure_blocked_and_refused_with_bounded_values()
    {
        SkipUnlessAvailable();
        var huge = new string('x', 5 * 1024 * 1024);
        var hugeAnswers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            hugeAnswers.Add((await PdaLoginAsync(Factory, "203.0.113.30", huge, "wrong", deviceSerial: huge)).StatusCode);
        // The API edge refuses such bodies outright (413 for the size, 400 for control characters): nothing reaches the
        // guard or the audit log; behind the edge, the guard keeps whatever it writes bounded on its own.
        Assert.All(hugeAnswers, s => Assert.True(s is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest, s.ToString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await PdaLoginAsync(Factory, "203.0.113.34", " Ghost\u0007User\r\n ", "wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PdaLoginAsync(Factory, "203.0.113.34", " Nobody ", "wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PdaLoginAsync(Factory, "203.0.113.31", "doctor", Password, deviceSerial: "PDA-0001\r\nforged")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PdaLoginAsync(Factory, "203.0.113.31", "doctor", Password, deviceSerial: "PDA-0001")).StatusCode);
        var refused = await PdaLoginAsync(Factory, "203.0.113.32", "employer", Password);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(IdentityErrors.NotADoctor.Code, await ProblemCodeAsync(refused));
        for (var i = 0; i < 6; i++)
            await PdaLoginAsync(Factory, "203.0.113.33", "pudong", "wrong");

        var entries = await Factory.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.EntityType == nameof(SignInChannel.Pda)).ToListAsync());
        Assert.All(entries, e =>
        {
            Assert.True(e.UserName.Length <= 128 && e.Detail.Length <= 1024 && (e.EntityId?.Length ?? 0) <= 64, e.Action);
            Assert.DoesNotContain(e.UserName + e.EntityId, char.IsControl);
        });
        Assert.True(entries.Sum(e => e.UserName.Length + e.Detail.Length + (e.EntityId?.Length ?? 0)) < 20_000);

        var doctor = await UserAsync(Factory, "doctor");
        var success = Assert.Single(entries, e => e.Action == AuditActions.SignIn);
        Assert.Equal((doctor.Id, "doctor", "PDA-0001"), (success.UserId, success.UserName, success.EntityId));
        var employer = Assert.Single(entries, e => e.Action == AuditActions.SignInRefused);
        Assert.Equal("employer", employer.UserName);
        Assert.DoesNotContain(entries, e => e.Action == AuditActions.SignIn && e.UserName == "employer");
        Assert.Contains(entries, e => e.Action == AuditActions.SignInFailed && e.UserName == "pudong" && e.UserId != null);
        Assert.Contains(entries, e => e.Action == AuditActions.SignInBlocked && e.UserName == "pudong");
        var unknown = entries.Where(e => e.Action == AuditActions.SignInFailed && e.UserId == null).Select(e => e.UserName).ToList();
        Assert.Contains("nobody", unknown);
        if (hugeAnswers.Contains(HttpStatusCode.Unauthorized))
            Assert.Contains(new string('x', SignInAttempt.NameKeyLength), unknown);
        var keys = await Factory.WithDbAsync(db => db.SignInAttempts.AsNoTracking().Select(a => a.NameKey).ToListAsync());
        Assert.All(keys, k => Assert.True(k.Length <= SignInAttempt.NameKeyLength));
    }

    [SkippableFact]
    public async Task Console_failures_are_throttled_and_audited_like_the_pda()
    {
        SkipUnlessAvailable();
        using var console = ConsoleSession.Open(Factory, "203.0.113.40");
        for (var i = 0; i < 5; i++)
            Assert.Contains("用户名或密码错误", await (await console.PasswordAsync("clinic", "wrong")).Content.ReadAsStringAsync());
        var blocked = await console.PasswordAsync("clinic");
        Assert.Equal(HttpStatusCode.OK, blocked.StatusCode);
        Assert.Contains("登录失败次数过多，请 15 分钟后再试", await blocked.Content.ReadAsStringAsync());
        Assert.Null(console.AuthCookieValue);

        var entries = await Factory.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .Where(e => e.EntityType == nameof(SignInChannel.Console) && e.UserName == "clinic").Select(e => e.Action).ToListAsync());
        Assert.Equal(5, entries.Count(a => a == AuditActions.SignInFailed));
        Assert.Single(entries, a => a == AuditActions.SignInBlocked);
        Assert.Null((await UserAsync(Factory, "clinic")).LockoutEnd);
    }

    [SkippableFact]
    public async Task Console_sign_ins_sign_outs_and_each_kind_of_failure_are_audited_like_the_pda()
    {
        SkipUnlessAvailable();
        const string ip = "198.51.100.90";
        await Factory.WithDbAsync(async db =>
        {
            (await db.Users.SingleAsync(u => u.UserName == "doctor")).LockoutEnd = DateTimeOffset.UtcNow.AddHours(1);
            (await db.Users.SingleAsync(u => u.UserName == "employer")).IsActive = false;
            return await db.SaveChangesAsync();
        });
        using var console = ConsoleSession.Open(Factory, ip);
        Assert.Contains("用户名或密码错误", await (await console.PasswordAsync("nobody-here", "wrong")).Content.ReadAsStringAsync());
        Assert.Contains("用户名或密码错误", await (await console.PasswordAsync("clinic", "wrong")).Content.ReadAsStringAsync());
        Assert.Null(ConsoleSession.RedirectPath(await console.PasswordAsync("doctor")));
        Assert.Null(ConsoleSession.RedirectPath(await console.PasswordAsync("employer")));
        Assert.Null(console.AuthCookieValue);
        await console.SignInAsync("clinic");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await console.LogoutAsync()).StatusCode);

        var entries = await Factory.WithDbAsync(db => db.AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync());
        var ofConsole = entries.Where(e => e.EntityType == nameof(SignInChannel.Console)).ToList();
        var clinic = await UserAsync(Factory, "clinic");
        var doctor = await UserAsync(Factory, "doctor");
        var employer = await UserAsync(Factory, "employer");
        Assert.Equal(
            new (string, string?, string, string)[]
            {
                (AuditActions.SignInFailed, null, "nobody-here", "wrong user name or password"),
                (AuditActions.SignInFailed, clinic.Id, "clinic", "wrong user name or password"),
                (AuditActions.SignInRefused, doctor.Id, "doctor", "account locked by an administrator"),
                (AuditActions.SignInRefused, employer.Id, "employer", "account disabled"),
                (AuditActions.SignIn, clinic.Id, "clinic", "password"),
                (AuditActions.SignOut, clinic.Id, "clinic", ""),
            },
            ofConsole.Select(e => (e.Action, e.UserId, e.UserName, e.Detail)).ToList());
        Assert.All(ofConsole, e => Assert.Equal(ip, e.IpAddress));
        // Every action written is a member of the one catalogue (no second spelling slips in).
        var known = typeof(AuditActions).GetFields().Select(f => (string)f.GetRawConstantValue()!).ToHashSet();
        Assert.All(entries, e => Assert.Contains(e.Action, known));
    }

    private async Task<double> TimeAsync(string ip, string userName)
    {
        var watch = Stopwatch.StartNew();
        var response = await PdaLoginAsync(Factory, ip, userName, "wrong");
        watch.Stop();
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private Task AgeAttemptsAsync(string ip, TimeSpan by) => Factory.WithDbAsync(async db =>
    {
        foreach (var attempt in await db.SignInAttempts.Where(a => a.Ip == ip).ToListAsync())
            attempt.At -= by;
        return await db.SaveChangesAsync();
    });
}

public sealed class SignInGuardTestsOnSqlite : SignInGuardTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class SignInGuardTestsOnPostgreSql : SignInGuardTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
