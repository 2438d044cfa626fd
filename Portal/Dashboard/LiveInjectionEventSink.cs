using Portal.Core.Injections;

namespace Portal.Dashboard;

/// <summary>The Portal's <see cref="IInjectionEventSink"/>: this instance's screens and hub clients
/// first, then (with Redis configured) the other instances through <see cref="RedisInjectionRelay"/>.</summary>
public sealed class LiveInjectionEventSink(LiveDashboardNotifier notifier, RedisInjectionRelay? relay = null) : IInjectionEventSink
{
    public async ValueTask PublishAsync(InjectionRecorded e, CancellationToken ct = default)
    {
        await notifier.PublishAsync(e, ct);
        if (relay is not null)
        {
            await relay.PublishAsync(e, ct);
        }
    }
}
