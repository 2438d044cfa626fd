using StackExchange.Redis;

namespace Portal.Dashboard;

/// <summary>
/// This instance's one connection to Redis, for its pub/sub channels (injections, catalogue edits; there is no SignalR
/// backplane, ADR 0005). Connected by the first relay that starts; it starts even while Redis is down, and the
/// multiplexer keeps reconnecting meanwhile.
/// </summary>
public sealed class RedisConnection(string configuration) : IAsyncDisposable
{
    private readonly SemaphoreSlim _connect = new(1, 1);
    private ConnectionMultiplexer? _redis;

    public async Task<ISubscriber> SubscriberAsync()
    {
        if (_redis is null)
        {
            await _connect.WaitAsync();
            try
            {
                if (_redis is null)
                {
                    var options = ConfigurationOptions.Parse(configuration);
                    options.AbortOnConnectFail = false;
                    _redis = await ConnectionMultiplexer.ConnectAsync(options);
                }
            }
            finally
            {
                _connect.Release();
            }
        }
        return _redis.GetSubscriber();
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
            _redis = null;
        }
    }
}
