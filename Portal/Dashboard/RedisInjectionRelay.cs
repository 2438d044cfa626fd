using System.Text.Json;
using Portal.Core.Injections;
using StackExchange.Redis;

namespace Portal.Dashboard;

/// <summary>
/// Tells the other Portal instances about the injections this one records, and this one about
/// theirs, over the Redis channel <see cref="LiveOptions.RedisInjectionChannel"/>. Each message
/// carries its sender's instance id, so an instance ignores its own messages (it has already counted
/// them) and hands remote ones to its notifier only: their hub clients were served by the sender.
/// </summary>
public sealed class RedisInjectionRelay(
    RedisConnection connection,
    LiveDashboardNotifier notifier,
    ILogger<RedisInjectionRelay> logger) : IHostedService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal(LiveOptions.RedisInjectionChannel);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private ISubscriber? subscriber;

    /// <summary>Identifies this process's messages on the shared channel.</summary>
    public Guid InstanceId { get; } = Guid.NewGuid();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Starts even while Redis is down (see RedisConnection); meanwhile only this instance's screens see its injections.
        subscriber = await connection.SubscriberAsync();
        await subscriber.SubscribeAsync(Channel, (_, message) => OnMessage(message));
    }

    /// <summary>Sends a locally recorded injection to the other instances. Never throws for Redis
    /// trouble: the injection is committed, and the other instances catch up on their next refresh.</summary>
    public async Task PublishAsync(InjectionRecorded injection, CancellationToken ct = default)
    {
        if (subscriber is null)
        {
            logger.LogDebug("Redis relay not started; injection {InjectionId} not relayed", injection.InjectionId);
            return;
        }

        try
        {
            var payload = JsonSerializer.Serialize(new RelayedInjection(InstanceId, injection), Json);
            await subscriber.PublishAsync(Channel, payload).WaitAsync(ct);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not relay injection {InjectionId} to other instances", injection.InjectionId);
        }
    }

    private void OnMessage(RedisValue message)
    {
        try
        {
            var relayed = JsonSerializer.Deserialize<RelayedInjection>((string)message!, Json);
            if (relayed is null || relayed.Origin == InstanceId)
            {
                return;
            }

            notifier.OnRemoteInjection(relayed.Injection);
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "Ignored a malformed message on {Channel}", LiveOptions.RedisInjectionChannel);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (subscriber is not null)
        {
            await subscriber.UnsubscribeAsync(Channel);
        }
    }

    private sealed record RelayedInjection(Guid Origin, InjectionRecorded Injection);
}
