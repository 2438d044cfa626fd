using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Api;
using Portal.Core.Booking;
using Portal.Data;
using Portal.Tests.TestSupport;
using static Portal.Tests.TestSupport.CancelTestKit;

namespace Portal.Tests.Integration;

/// <summary>Idempotency-Key over real HTTP (Stripe's rules), on every provider.</summary>
public abstract class IdempotencyTests : PortalOnProvider
{
    protected override Task ArrangeAsync()
    {
        _ = Factory.Server;
        return Task.CompletedTask;
    }

    [SkippableFact]
    public Task Same_key_and_body_replays_the_first_answer()
    {
        SkipUnlessAvailable();
        return IdempotencyScenarios.ReplayAsync(Factory);
    }

    [SkippableFact]
    public Task Same_key_with_another_body_is_422()
    {
        SkipUnlessAvailable();
        return IdempotencyScenarios.OtherBodyAsync(Factory);
    }

    [SkippableFact]
    public Task Concurrent_duplicates_book_once()
    {
        SkipUnlessAvailable();
        return IdempotencyScenarios.ConcurrentAsync(Factory);
    }

    [SkippableFact]
    public async Task Without_a_key_requests_are_not_replayed_and_a_bad_key_is_400()
    {
        SkipUnlessAvailable();
        var slotId = await SlotAsync(Factory, capacity: 5);
        var p = await ResidentAsync(Factory, 40);
        await BookAsync(p, slotId);
        var again = await p.Client.PostAsJsonAsync("/api/v1/appointments", new { slotId, residentId = p.ResidentId });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("already_booked", await CodeAsync(again));
        Assert.False(again.Headers.Contains(IdempotencyFilter.ReplayedHeader));

        using var tooLong = new HttpRequestMessage(HttpMethod.Post, "/api/v1/appointments") { Content = JsonContent.Create(new { slotId, residentId = p.ResidentId }) };
        tooLong.Headers.Add(IdempotencyFilter.HeaderName, new string('k', 256));
        Assert.Equal(HttpStatusCode.BadRequest, (await p.Client.SendAsync(tooLong)).StatusCode);
    }

    [SkippableFact]
    public Task Expired_records_are_purged()
    {
        SkipUnlessAvailable();
        return IdempotencyScenarios.PurgeAsync(Provider);
    }
}

public sealed class IdempotencyOnSqliteTests : IdempotencyTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class IdempotencyOnPostgreSqlTests : IdempotencyTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}

internal static class IdempotencyScenarios
{
    private static HttpRequestMessage Post(string path, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add(IdempotencyFilter.HeaderName, key);
        return request;
    }

    public static async Task ReplayAsync(PortalFactory factory)
    {
        var slotId = await SlotAsync(factory, capacity: 5);
        var p = await ResidentAsync(factory, 41);
        var key = Guid.NewGuid().ToString();
        var body = new { slotId, residentId = p.ResidentId };

        var first = await p.Client.SendAsync(Post("/api/v1/appointments", body, key));
        var second = await p.Client.SendAsync(Post("/api/v1/appointments", body, key));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.False(first.Headers.Contains(IdempotencyFilter.ReplayedHeader));
        Assert.Equal("true", Assert.Single(second.Headers.GetValues(IdempotencyFilter.ReplayedHeader)));
        Assert.Equal(1, await factory.WithDbAsync(db => db.Appointments.CountAsync(a => a.SlotId == slotId)));
        Assert.Equal(1, await BookedAsync(factory, slotId));

        // A cancellation is idempotent too: the retry gets the first 204, not a 409.
        var id = await factory.WithDbAsync(db => db.Appointments.Where(a => a.SlotId == slotId).Select(a => a.Id).SingleAsync());
        var cancelKey = Guid.NewGuid().ToString();
        for (var i = 0; i < 2; i++)
        {
            using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/appointments/{id}");
            delete.Headers.Add(IdempotencyFilter.HeaderName, cancelKey);
            Assert.Equal(HttpStatusCode.NoContent, (await p.Client.SendAsync(delete)).StatusCode);
        }
        Assert.Equal(0, await BookedAsync(factory, slotId));
    }

    public static async Task OtherBodyAsync(PortalFactory factory)
    {
        var slotId = await SlotAsync(factory, capacity: 5);
        var other = await SlotAsync(factory, capacity: 5);
        var p = await ResidentAsync(factory, 42);
        var key = Guid.NewGuid().ToString();

        Assert.Equal(HttpStatusCode.Created, (await p.Client.SendAsync(Post("/api/v1/appointments", new { slotId, residentId = p.ResidentId }, key))).StatusCode);
        var reused = await p.Client.SendAsync(Post("/api/v1/appointments", new { slotId = other, residentId = p.ResidentId }, key));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("idempotency_key_reused", await CodeAsync(reused));
        Assert.Equal(0, await BookedAsync(factory, other));

        // Another account may use the same key: keys are scoped to the account.
        var q = await ResidentAsync(factory, 43);
        Assert.Equal(HttpStatusCode.Created, (await q.Client.SendAsync(Post("/api/v1/appointments", new { slotId = other, residentId = q.ResidentId }, key))).StatusCode);
    }

    public static async Task ConcurrentAsync(PortalFactory factory)
    {
        var slotId = await SlotAsync(factory, capacity: 5);
        var p = await ResidentAsync(factory, 44);
        var key = Guid.NewGuid().ToString();
        var body = new { slotId, residentId = p.ResidentId };

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => p.Client.SendAsync(Post("/api/v1/appointments", body, key)))));

        // One ran; the others were told it is in flight (409) or got its stored answer (201 replayed). Never two bookings.
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.Created && !r.Headers.Contains(IdempotencyFilter.ReplayedHeader));
        foreach (var r in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
            Assert.Equal("idempotency_in_flight", await CodeAsync(r));
        Assert.Equal(1, await factory.WithDbAsync(db => db.Appointments.CountAsync(a => a.SlotId == slotId)));
        Assert.Equal(1, await BookedAsync(factory, slotId));
    }

    public static async Task PurgeAsync(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var now = new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero);
        await using (var db = database.CreateDbContext())
        {
            db.IdempotencyRecords.AddRange(
                new IdempotencyRecord { Scope = "1|POST|/a", Key = "old", RequestHash = "h", StatusCode = 201, CreatedAt = now.AddHours(-25), ExpiresAt = now.AddHours(-1) },
                new IdempotencyRecord { Scope = "1|POST|/a", Key = "new", RequestHash = "h", StatusCode = 201, CreatedAt = now.AddHours(-1), ExpiresAt = now.AddHours(23) });
            await db.SaveChangesAsync();
        }
        await using (var db = database.CreateDbContext())
            Assert.Equal(1, await IdempotencyPurgeJob.PurgeExpiredAsync(db, now));
        await using (var db = database.CreateDbContext())
            Assert.Equal("new", (await db.IdempotencyRecords.SingleAsync()).Key);
    }
}
