using Portal.Core.Common;

namespace Portal.Core.Content;

public enum AnnouncementAudience
{
    Everyone = 0,
    Residents = 1,
    Staff = 2,
}

/// <summary>公告: city-wide, or limited to a district or a site.</summary>
public class Announcement : Entity
{
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    public AnnouncementAudience Audience { get; set; }
    public string? DistrictCode { get; set; }
    public long? SiteId { get; set; }
    public DateTimeOffset PublishedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public bool IsPinned { get; set; }
    public string? AuthorUserId { get; set; }
}

/// <summary>疫苗知识: an article residents read, optionally about one programme.</summary>
public class KnowledgeArticle : Entity
{
    public string Title { get; set; } = "";
    public string Summary { get; set; } = "";
    public string Body { get; set; } = "";
    public string? ProgrammeCode { get; set; }
    public string Tags { get; set; } = "";
    public DateTimeOffset PublishedAt { get; set; }
    public bool IsPublished { get; set; }
}
