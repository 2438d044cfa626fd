using Portal.Core.Common;

namespace Portal.Core.Feedback;

public enum FeedbackKind
{
    Rating = 1,
    Suggestion = 2,
    Complaint = 3,
}

public enum FeedbackStatus
{
    New = 0,
    InProgress = 1,
    Replied = 2,
    Closed = 3,
}

/// <summary>满意度评价与意见反馈 after a visit, or a free-form suggestion/complaint.</summary>
public class FeedbackItem : Entity
{
    public const int CommentLength = 2000;

    public FeedbackKind Kind { get; set; }
    public long AccountId { get; set; }
    public long? SiteId { get; set; }
    public long? AppointmentId { get; set; }
    public long? InjectionId { get; set; }
    /// <summary>1–5 stars for ratings.</summary>
    public int? Rating { get; set; }
    public string Comment { get; set; } = "";
    public FeedbackStatus Status { get; set; }
    public string? Reply { get; set; }
    public string? RepliedByUserId { get; set; }
    public DateTimeOffset? RepliedAt { get; set; }
}
