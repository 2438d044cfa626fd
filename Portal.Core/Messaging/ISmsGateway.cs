namespace Portal.Core.Messaging;

/// <summary>Sends one text message. Implementations: the development file gateway (App_Data/sms/outbox.jsonl);
/// a carrier's HTTP gateway in production.</summary>
public interface ISmsGateway
{
    Task SendAsync(string phone, string body, CancellationToken ct = default);
}
