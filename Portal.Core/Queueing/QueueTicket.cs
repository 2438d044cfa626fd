namespace Portal.Core.Queueing;

public enum QueueStage
{
    Registration = 1,
    Injection = 2,
    Observation = 3,
}

public enum TicketStatus
{
    Waiting = 1,
    Called = 2,
    Serving = 3,
    Done = 4,
    Skipped = 5,
}

/// <summary>取号/排队: a numbered ticket at a site on one day.</summary>
public class QueueTicket
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    public DateOnly Date { get; set; }
    public int Number { get; set; }
    public QueueStage Stage { get; set; }
    public TicketStatus Status { get; set; }
    public long? ResidentId { get; set; }
    public long? AppointmentId { get; set; }
    public string? Window { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset? CalledAt { get; set; }
    public DateTimeOffset? DoneAt { get; set; }
}
