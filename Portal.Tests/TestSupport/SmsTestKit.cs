using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Common.Privacy;
using Portal.Core.Messaging;

namespace Portal.Tests.TestSupport;

/// <summary>Shared pieces of the SMS tests: a recording gateway that can be switched off, a protector, outbox rows.</summary>
internal static class SmsTestKit
{
    public static PersonalDataProtector NewProtector() => new(new PersonalDataOptions
    {
        ActiveKeyVersion = 1,
        Keys = { [1] = PersonalDataOptions.NewKey() },
        HashKey = PersonalDataOptions.NewKey(),
    });

    public static SmsDispatchService Dispatcher(TestDatabase db, IPersonalDataProtector protector, ISmsGateway gateway, TimeProvider clock, SmsOptions? options = null) =>
        new(db, protector, gateway, clock, Options.Create(options ?? new SmsOptions()), NullLogger<SmsDispatchService>.Instance);

    /// <summary>Queues <paramref name="count"/> confirmations, each to its own phone; returns the phones.</summary>
    public static async Task<List<string>> EnqueueAsync(TestDatabase db, IPersonalDataProtector protector, DateTimeOffset now, int count)
    {
        var phones = Enumerable.Range(0, count).Select(_ => TestIds.NewPhone()).ToList();
        await using var ctx = db.CreateDbContext();
        foreach (var phone in phones)
        {
            SmsOutbox.Enqueue(ctx, protector.Protect(phone), Masking.MaskPhone(phone), SmsTemplateNames.BookingConfirmed,
                new Dictionary<string, string> { ["name"] = "张*", ["date"] = "2026-11-26", ["time"] = "09:00", ["site"] = "测试门诊", ["vaccine"] = "流感疫苗", ["dose"] = "1" },
                "test:" + Guid.NewGuid().ToString("N"), now);
        }
        await ctx.SaveChangesAsync();
        return phones;
    }
}

internal sealed class RecordingSmsGateway : ISmsGateway
{
    public ConcurrentQueue<(string Phone, string Body)> Sent { get; } = new();
    public volatile bool Down;
    public int Calls;

    public async Task SendAsync(string phone, string body, CancellationToken ct = default)
    {
        Interlocked.Increment(ref Calls);
        // Yield so that parallel dispatchers really interleave.
        await Task.Yield();
        if (Down)
            throw new SmsGatewayException("gateway down (test)");
        Sent.Enqueue((phone, body));
    }
}
