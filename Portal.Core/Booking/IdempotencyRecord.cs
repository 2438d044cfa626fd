namespace Portal.Core.Booking;

/// <summary>A stored answer for an Idempotency-Key header (Stripe's rules), kept at least 24 h.</summary>
public class IdempotencyRecord
{
    public long Id { get; set; }
    public string Scope { get; set; } = "";
    public string Key { get; set; } = "";
    public string RequestHash { get; set; } = "";
    public int StatusCode { get; set; }
    public string ResponseBody { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
