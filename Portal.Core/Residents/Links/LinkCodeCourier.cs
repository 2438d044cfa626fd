using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Core.Common.Privacy;
using Portal.Core.Messaging;

namespace Portal.Core.Residents.Links;

public sealed record LinkCodeMessage(string Phone, string Body);

/// <summary>Link-request codes leave after the request has been answered, never while it is answered: how long the gateway
/// takes must not tell the requester whether a code was sent, i.e. whether the name matched the record. The queue is in
/// memory (codes are stored only as hashes); a code lost to a restart is sent again by "resend".</summary>
public sealed class LinkCodeCourier
{
    private readonly Channel<LinkCodeMessage> _queue = Channel.CreateUnbounded<LinkCodeMessage>(new UnboundedChannelOptions { SingleReader = true });

    public void Post(LinkCodeMessage message) => _queue.Writer.TryWrite(message);

    internal ChannelReader<LinkCodeMessage> Reader => _queue.Reader;
}

/// <summary>Hands the queued link-request codes to the SMS gateway, one at a time.</summary>
public sealed class LinkCodeSender(LinkCodeCourier courier, ISmsGateway sms, ILogger<LinkCodeSender> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var message in courier.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await sms.SendAsync(message.Phone, message.Body, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "SMS gateway refused a link-request code for {Phone}", Masking.MaskPhone(message.Phone));
            }
        }
    }
}
