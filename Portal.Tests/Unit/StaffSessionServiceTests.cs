using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Identity;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Unit;

/// <summary>The session rules without the web host: circuit activity keeps a session alive but never revives an idle
/// one; the idle timeout is measured from the last activity; a changed stamp ends the session.</summary>
public sealed class StaffSessionServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider clock = new(Start);
    private TestDatabase db = null!;
    private StaffSessionService sessions = null!;
    private StaffUser user = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.SqliteAsync();
        var security = Options.Create(new SecurityOptions());
        sessions = new StaffSessionService(db, new SecurityPolicyService(db, security, clock), security, Options.Create(new IdentityOptions()), clock);
        user = new StaffUser { UserName = "clinic", NormalizedUserName = "CLINIC", DisplayName = "门诊", SecurityStamp = "stamp-1", CreatedAt = Start };
        await using var ctx = db.CreateDbContext();
        ctx.Users.Add(user);
        await ctx.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Circuit_activity_keeps_a_session_alive_past_the_idle_timeout()
    {
        var principal = Principal(await sessions.StartAsync(user, "192.0.2.1", "test"));
        for (var i = 0; i < 4; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(20));
            await sessions.TouchAsync(principal.FindFirst(StaffClaimTypes.SessionId)!.Value);
        }
        Assert.Equal(SessionCheck.Valid, await sessions.CheckAsync(principal, touch: false));
    }

    [Fact]
    public async Task Activity_after_the_idle_timeout_does_not_revive_the_session()
    {
        var sid = await sessions.StartAsync(user, "192.0.2.1", "test");
        clock.Advance(TimeSpan.FromMinutes(31));
        await sessions.TouchAsync(sid);
        Assert.Equal(SessionCheck.IdleTimeout, await sessions.CheckAsync(Principal(sid), touch: true));
        Assert.Equal(SessionCheck.Ended, await sessions.CheckAsync(Principal(sid), touch: true));
    }

    [Fact]
    public async Task A_changed_security_stamp_refuses_the_old_cookie_but_not_the_reissued_one()
    {
        var sid = await sessions.StartAsync(user, "192.0.2.1", "test");
        Assert.Equal(SessionCheck.Valid, await sessions.CheckAsync(Principal(sid), touch: true));
        await using (var ctx = db.CreateDbContext())
            await ctx.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.SecurityStamp, "stamp-2"));

        Assert.Equal(SessionCheck.AccountChanged, await sessions.CheckAsync(Principal(sid), touch: true));
        // Another tab still holding the old cookie does not end the session the account's new cookie names.
        Assert.Equal(SessionCheck.Valid, await sessions.CheckAsync(Principal(sid, "stamp-2"), touch: true));
    }

    [Fact]
    public async Task A_disabled_account_ends_its_session()
    {
        var sid = await sessions.StartAsync(user, "192.0.2.1", "test");
        await using (var ctx = db.CreateDbContext())
            await ctx.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsActive, false));
        Assert.Equal(SessionCheck.AccountChanged, await sessions.CheckAsync(Principal(sid), touch: true));
        await using var check = db.CreateDbContext();
        Assert.Equal(SessionEndReason.AccountChanged, (await check.StaffSessions.SingleAsync()).EndReason);
    }

    private ClaimsPrincipal Principal(string sid, string stamp = "stamp-1") => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, user.Id), new Claim(ClaimTypes.Name, "clinic"),
        new Claim(StaffClaimTypes.SessionId, sid), new Claim(new IdentityOptions().ClaimsIdentity.SecurityStampClaimType, stamp),
    ], "test"));
}
