using Microsoft.EntityFrameworkCore;
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
/// each message is claimed by a conditional UPDATE before it is sent, so only one instance sends it.</summary>
public sealed class SmsDispatchService(
    IDbContextFactory<DbContext> contexts, IPersonalDataProtector protector, ISmsGateway gateway, TimeProvider clock,
    IOptions<SmsOptions> options, ILogger<SmsDispatchService> logger)
{
    private const int MaxErrorLength = 500;
    private readonly SmsOptions _options = options.Value;

    /// <summary>Claims and sends up to <paramref name="batchSize"/> Pending messages whose NextAttemptAt has come, oldest first.</summary>
    public async Task<SmsDispatchResult> DispatchDueAsync(int batchSize, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        List<Candidate> due;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            due = await db.Set<SmsOutboxMessage>().AsNoTracking()
                .Where(m => m.Status == SmsStatus.Pending && m.NextAttemptAt <= now)
                .OrderBy(m => m.Id).Take(batchSize)
                .Select(m => new Candidate(m.Id, m.Attempts, m.PhoneCipher, m.PhoneMasked, m.Body))
                .ToListAsync(ct);
        }

        int sent = 0, retrying = 0, failed = 0, lost = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Parallelism), CancellationToken = ct },
            async (message, token) =>
            {
                var outcome = await SendOneAsync(message, token);
                _ = outcome switch
                {
                    Outcome.Sent => Interlocked.Increment(ref sent),
                    Outcome.Retrying => Interlocked.Increment(ref retrying),
                    Outcome.Failed => Interlocked.Increment(ref failed),
                    _ => Interlocked.Increment(ref lost),
                };
            });
        return new SmsDispatchResult(due.Count, sent, retrying, failed, lost);
    }

    private async Task<Outcome> SendOneAsync(Candidate message, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var outbox = db.Set<SmsOutboxMessage>();
        var now = clock.GetUtcNow();
        var attempt = message.Attempts + 1;

        // The claim: only the instance whose UPDATE still sees the row as it read it wins. Counting the
        // attempt here (not after the send) means a process that dies mid-send still uses up an attempt,
        // and its late completion cannot overwrite a later claim.
        var claimed = await outbox
            .Where(m => m.Id == message.Id && m.Status == SmsStatus.Pending && m.NextAttemptAt <= now && m.Attempts == message.Attempts)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, attempt).SetProperty(m => m.NextAttemptAt, now + _options.Lease), ct);
        if (claimed == 0)
            return Outcome.LostClaim;

        var mine = outbox.Where(m => m.Id == message.Id && m.Status == SmsStatus.Pending && m.Attempts == attempt);
        if (attempt > _options.MaxAttempts)
        {
            // Only reachable when earlier claims died mid-send.
            await mine.ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, SmsStatus.Failed), CancellationToken.None);
            return Outcome.Failed;
        }

        try
        {
            var phone = protector.Unprotect(message.PhoneCipher);
            await gateway.SendAsync(phone, message.Body, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the lease runs out and another round (or instance) retries.
            throw;
        }
        catch (Exception e)
        {
            var error = Truncate($"{e.GetType().Name}: {e.Message}");
            if (attempt >= _options.MaxAttempts)
            {
                logger.LogError("SMS {Id} to {Phone} failed for good after {Attempts} attempts: {Error}", message.Id, message.PhoneMasked, attempt, error);
                await mine.ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, SmsStatus.Failed).SetProperty(m => m.LastError, error), CancellationToken.None);
                return Outcome.Failed;
            }
            var next = clock.GetUtcNow() + Backoff(attempt, _options.FirstBackoff, _options.MaxBackoff, Random.Shared.NextDouble());
            logger.LogWarning("SMS {Id} to {Phone}, attempt {Attempt} failed, retry at {Next:o}: {Error}", message.Id, message.PhoneMasked, attempt, next, error);
            await mine.ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, next).SetProperty(m => m.LastError, error), CancellationToken.None);
            return Outcome.Retrying;
        }

        var sentAt = clock.GetUtcNow();
        // Not cancellable: the message is out, the row must say so.
        await mine.ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, SmsStatus.Sent).SetProperty(m => m.SentAt, sentAt), CancellationToken.None);
        logger.LogDebug("SMS {Id} sent to {Phone}", message.Id, message.PhoneMasked);
        return Outcome.Sent;
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

    private sealed record Candidate(long Id, int Attempts, string PhoneCipher, string PhoneMasked, string Body);

    private enum Outcome
    {
        Sent,
        Retrying,
        Failed,
        LostClaim,
    }
}
