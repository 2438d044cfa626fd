using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Common.Privacy;

namespace Portal.Core.Messaging;

/// <summary>What one dispatch round did.</summary>
public sealed record SmsDispatchResult(int Due, int Sent, int Retrying, int Failed, int LostClaims)
{
    public int Claimed => Sent + Retrying + Failed;
}

/// <summary>Sends due outbox messages. Several Portal instances may run it on the same database at once:
/// a round claims its messages with one conditional UPDATE that stamps them with the round's token, so only
/// one instance sends each message, and only the round holding the token records the outcome.</summary>
public sealed class SmsDispatchService(
    IDbContextFactory<DbContext> contexts, IPersonalDataProtector protector, ISmsGateway gateway, TimeProvider clock,
    IOptions<SmsOptions> options, ILogger<SmsDispatchService> logger)
{
    private const int MaxErrorLength = 500;

    /// <summary>Sent messages are recorded this many at a time: a few UPDATEs per round instead of one per
    /// message (a flash crowd's confirmations otherwise cost the booking path hundreds of writes a second),
    /// while a process that dies mid-round re-sends at most this many already-accepted messages.</summary>
    internal const int RecordSentEvery = 25;

    private readonly SmsOptions _options = options.Value;

    /// <summary>Claims and sends up to <paramref name="batchSize"/> Pending messages whose NextAttemptAt has come, oldest first.</summary>
    public async Task<SmsDispatchResult> DispatchDueAsync(int batchSize, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var token = Guid.NewGuid();
        List<Candidate> due;
        List<Candidate> claimed;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var outbox = db.Set<SmsOutboxMessage>();
            due = await outbox.AsNoTracking()
                .Where(m => m.Status == SmsStatus.Pending && m.NextAttemptAt <= now)
                .OrderBy(m => m.Id).Take(batchSize)
                .Select(m => new Candidate(m.Id, m.Attempts + 1, m.PhoneCipher, m.PhoneMasked, m.Body))
                .ToListAsync(ct);
            if (due.Count == 0)
                return new SmsDispatchResult(0, 0, 0, 0, 0);

            // The claim: the condition is evaluated again on each row as the UPDATE locks it, so a message another
            // instance claimed since the read (its NextAttemptAt is now in the future) is skipped. Counting the
            // attempt here (not after the send) means a process that dies mid-send still uses up an attempt.
            var ids = due.Select(m => m.Id).ToList();
            var count = await outbox
                .Where(m => ids.Contains(m.Id) && m.Status == SmsStatus.Pending && m.NextAttemptAt <= now)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                    .SetProperty(m => m.NextAttemptAt, now + _options.Lease)
                    .SetProperty(m => m.ClaimToken, token), ct);
            if (count == due.Count)
                claimed = due;
            else
            {
                // Lost some to another instance: read back which rows carry this round's token (and their attempt count).
                var mineIds = await outbox.AsNoTracking().Where(m => ids.Contains(m.Id) && m.ClaimToken == token)
                    .Select(m => new { m.Id, m.Attempts }).ToDictionaryAsync(m => m.Id, m => m.Attempts, ct);
                claimed = [.. due.Where(m => mineIds.ContainsKey(m.Id)).Select(m => m with { Attempt = mineIds[m.Id] })];
            }
        }

        int sent = 0, retrying = 0, failed = 0;
        var spent = claimed.Where(m => m.Attempt > _options.MaxAttempts).Select(m => m.Id).ToList();
        if (spent.Count > 0)
        {
            // Only reachable when earlier claims died mid-send.
            failed += await RecordAsync(token, spent, s => s.SetProperty(m => m.Status, SmsStatus.Failed));
        }

        foreach (var chunk in claimed.Where(m => m.Attempt <= _options.MaxAttempts).Chunk(RecordSentEvery))
        {
            var delivered = new List<long>(chunk.Length);
            await Parallel.ForEachAsync(chunk, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Parallelism), CancellationToken = ct },
                async (message, token2) =>
                {
                    switch (await SendOneAsync(token, message, token2))
                    {
                        case Outcome.Sent:
                            lock (delivered) delivered.Add(message.Id);
                            break;
                        case Outcome.Retrying:
                            Interlocked.Increment(ref retrying);
                            break;
                        default:
                            Interlocked.Increment(ref failed);
                            break;
                    }
                });
            if (delivered.Count == 0) continue;
            var sentAt = clock.GetUtcNow();
            // Not cancellable: the messages are out, the rows must say so.
            sent += await RecordAsync(token, delivered, s => s.SetProperty(m => m.Status, SmsStatus.Sent).SetProperty(m => m.SentAt, sentAt));
        }
        return new SmsDispatchResult(due.Count, sent, retrying, failed, due.Count - claimed.Count);
    }

    private async Task<Outcome> SendOneAsync(Guid claim, Candidate message, CancellationToken ct)
    {
        try
        {
            var phone = protector.Unprotect(message.PhoneCipher);
            await gateway.SendAsync(phone, message.Body, ct);
            logger.LogDebug("SMS {Id} sent to {Phone}", message.Id, message.PhoneMasked);
            return Outcome.Sent;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the lease runs out and another round (or instance) retries.
            throw;
        }
        catch (Exception e)
        {
            var error = Truncate($"{e.GetType().Name}: {e.Message}");
            if (message.Attempt >= _options.MaxAttempts)
            {
                logger.LogError("SMS {Id} to {Phone} failed for good after {Attempts} attempts: {Error}", message.Id, message.PhoneMasked, message.Attempt, error);
                await RecordAsync(claim, [message.Id], s => s.SetProperty(m => m.Status, SmsStatus.Failed).SetProperty(m => m.LastError, error));
                return Outcome.Failed;
            }
            var next = clock.GetUtcNow() + Backoff(message.Attempt, _options.FirstBackoff, _options.MaxBackoff, Random.Shared.NextDouble());
            logger.LogWarning("SMS {Id} to {Phone}, attempt {Attempt} failed, retry at {Next:o}: {Error}", message.Id, message.PhoneMasked, message.Attempt, next, error);
            await RecordAsync(claim, [message.Id], s => s.SetProperty(m => m.NextAttemptAt, next).SetProperty(m => m.LastError, error));
            return Outcome.Retrying;
        }
    }

    /// <summary>Records an outcome on the rows this round still holds: a row whose lease ran out and was claimed
    /// again carries another token, so a late completion cannot overwrite that later claim.</summary>
    private async Task<int> RecordAsync(Guid claim, IReadOnlyCollection<long> ids,
        Action<UpdateSettersBuilder<SmsOutboxMessage>> set)
    {
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        return await db.Set<SmsOutboxMessage>()
            .Where(m => ids.Contains(m.Id) && m.ClaimToken == claim && m.Status == SmsStatus.Pending)
            .ExecuteUpdateAsync(set, CancellationToken.None);
    }

    /// <summary>Exponential backoff with ±20 % jitter (so retries of a burst do not arrive together):
    /// first, 2×first, 4×first ... capped at <paramref name="max"/>. <paramref name="random"/> is in [0, 1).</summary>
    public static TimeSpan Backoff(int failedAttempts, TimeSpan first, TimeSpan max, double random)
    {
        var exponent = Math.Min(Math.Max(failedAttempts - 1, 0), 30);
        var baseDelay = Math.Min(first.TotalMilliseconds * Math.Pow(2, exponent), max.TotalMilliseconds);
        var jittered = baseDelay * (0.8 + 0.4 * random);
        return TimeSpan.FromMilliseconds(Math.Min(jittered, max.TotalMilliseconds));
    }

    private static string Truncate(string value) => value.Length <= MaxErrorLength ? value : value[..MaxErrorLength];

    /// <summary>A claimed message; <see cref="Attempt"/> is the number of this attempt (counted at claim).</summary>
    private sealed record Candidate(long Id, int Attempt, string PhoneCipher, string PhoneMasked, string Body);

    private enum Outcome
    {
        Sent,
        Retrying,
        Failed,
    }
}
