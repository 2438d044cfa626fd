using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Common;
using Portal.Core.Messaging;
using Portal.Core.Residents.Auth;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Unit;

/// <summary>Verification codes: the per-IP hourly limit, and a gateway failure that neither leaves a code behind nor counts.</summary>
public sealed class SmsLoginLimitTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Per_ip_limit_answers_429_with_retry_after_until_the_hour_has_passed()
    {
        var db = await TestDatabase.SqliteAsync();
        var clock = new FakeTimeProvider(Start);
        var gateway = new RecordingSmsGateway();
        var service = Create(db, gateway, clock, perIpPerHour: 3);

        await service.RequestCodeAsync(TestIds.NewPhone(), "10.0.0.1");
        clock.Advance(TimeSpan.FromMinutes(10));
        await service.RequestCodeAsync(TestIds.NewPhone(), "10.0.0.1");
        await service.RequestCodeAsync(TestIds.NewPhone(), "10.0.0.1");

        var e = await Assert.ThrowsAsync<DomainProblemException>(() => service.RequestCodeAsync(TestIds.NewPhone(), "10.0.0.1"));
        Assert.Equal(ProblemKind.TooManyRequests, e.Kind);
        Assert.Equal("sms_ip_limit", e.Code);
        // The oldest code in the window (10 minutes old) leaves it in 50 minutes.
        Assert.Equal(TimeSpan.FromMinutes(50), e.RetryAfter);
        Assert.Equal(3, gateway.Sent.Count);

        // Other addresses are not affected; requests without an address are not counted by IP.
        await service.RequestCodeAsync(TestIds.NewPhone(), "10.0.0.2");
        await service.RequestCodeAsync(TestIds.NewPhone(), null);

        clock.Advance(TimeSpan.FromMinutes(50));
        await service.RequestCodeAsync(TestIds.NewPhone(), "10.0.0.1");
        Assert.Equal(6, gateway.Sent.Count);
    }

    [Fact]
    public async Task Gateway_failure_answers_sms_unavailable_and_does_not_count_the_code()
    {
        var db = await TestDatabase.SqliteAsync();
        var clock = new FakeTimeProvider(Start);
        var gateway = new RecordingSmsGateway { Down = true };
        var service = Create(db, gateway, clock, perIpPerHour: 30);
        var phone = TestIds.NewPhone();

        var e = await Assert.ThrowsAsync<DomainProblemException>(() => service.RequestCodeAsync(phone, "10.0.0.9"));
        Assert.Equal(ProblemKind.Conflict, e.Kind);
        Assert.Equal("sms_unavailable", e.Code);
        Assert.Contains("短信服务暂时不可用，请稍后再试", e.Bilingual.Zh);
        await using (var ctx = db.CreateDbContext())
            Assert.Equal(0, await ctx.SmsCodes.CountAsync());

        // The same phone may try again at once (the failed attempt did not use up the 1-per-minute allowance).
        gateway.Down = false;
        await service.RequestCodeAsync(phone, "10.0.0.9");
        Assert.Equal(phone, Assert.Single(gateway.Sent).Phone);
        Assert.Matches("验证码是\\d{6}", gateway.Sent.Single().Body);
    }

    private static SmsLoginService Create(TestDatabase db, ISmsGateway gateway, TimeProvider clock, int perIpPerHour) =>
        new(db, SmsTestKit.NewProtector(), gateway, clock, Options.Create(new SmsOptions { PerIpPerHour = perIpPerHour }), NullLogger<SmsLoginService>.Instance);
}
