using Portal.Core.Vaccines;
using StackExchange.Redis;

namespace Portal.Dashboard;

/// <summary>
/// Carries "the vaccine catalogue was edited" between Portal instances over the Redis channel
/// <see cref="LiveOptions.RedisCatalogueChannel"/>, so a CDC administrator's rule change applies to the next booking
/// on every instance, not only on the one that saved it. The message is the sender's instance id and nothing else:
/// each receiver reloads from the database, which holds the edit already. Without Redis, or while it is down,
/// instances fall back to the catalogue's lifetime (<see cref="VaccineCatalogue.MaxAge"/>).
/// </summary>
public sealed class RedisCatalogueRelay(RedisConnection connection, VaccineCatalogue catalogue, ILogger<RedisCatalogueRelay> logger)
    : IHostedService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal(LiveOptions.RedisCatalogueChannel);

    private ISubscriber? subscriber;

    /// <summary>Identifies this process's messages on the shared channel.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        subscriber = await connection.SubscriberAsync();
        await subscriber.SubscribeAsync(Channel, (_, message) =>
        {
            if ((string?)message is { } origin && origin != InstanceId)
            {
                logger.LogInformation("Vaccine catalogue edited on another instance; reloading");
                catalogue.InvalidateFromAnotherInstance();
            }
        });
        catalogue.Invalidated += Announce;
    }

    /// <summary>Fire and forget: the edit is committed; if Redis is down, the others reload within MaxAge anyway.</summary>
    private void Announce()
    {
        if (subscriber is null) return;
        subscriber.PublishAsync(Channel, InstanceId).ContinueWith(
            t => logger.LogWarning(t.Exception, "Could not tell other instances that the catalogue changed"),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        catalogue.Invalidated -= Announce;
        if (subscriber is not null)
            await subscriber.UnsubscribeAsync(Channel);
    }
}
