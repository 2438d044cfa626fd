using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Sites;

namespace Portal.Core.Content;

public sealed record AnnouncementDto(long Id, string Title, string Body, string? DistrictCode, long? SiteId, DateTimeOffset PublishedAt,
    DateTimeOffset? ExpiresAt, bool IsPinned);

public sealed record KnowledgeSummaryDto(long Id, string Title, string Summary, string? ProgrammeCode, IReadOnlyList<string> Tags, DateTimeOffset PublishedAt);

public sealed record KnowledgeArticleDto(long Id, string Title, string Summary, string Body, string? ProgrammeCode, IReadOnlyList<string> Tags, DateTimeOffset PublishedAt);

/// <summary>疫苗知识 and 公告 as residents see them.</summary>
public sealed class ContentService(IDbContextFactory<DbContext> contexts, TimeProvider clock)
{
    public async Task<IReadOnlyList<KnowledgeSummaryDto>> ListKnowledgeAsync(string? programme, CancellationToken ct = default)
    {
        programme = string.IsNullOrWhiteSpace(programme) ? null : programme.Trim();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var rows = await db.Set<KnowledgeArticle>().AsNoTracking()
            .Where(a => a.IsPublished && (programme == null || a.ProgrammeCode == programme)).ToListAsync(ct);
        return rows.Where(a => a.PublishedAt <= now).OrderByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id)
            .Select(a => new KnowledgeSummaryDto(a.Id, a.Title, a.Summary, a.ProgrammeCode, Tags(a.Tags), a.PublishedAt)).ToList();
    }

    public async Task<KnowledgeArticleDto> GetKnowledgeAsync(long id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var a = await db.Set<KnowledgeArticle>().AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.IsPublished, ct);
        if (a is null || a.PublishedAt > clock.GetUtcNow())
            throw ContentErrors.ArticleNotFound.Exception();
        return new KnowledgeArticleDto(a.Id, a.Title, a.Summary, a.Body, a.ProgrammeCode, Tags(a.Tags), a.PublishedAt);
    }

    /// <summary>Current announcements for residents: city-wide ones, plus those of the district and/or site asked for
    /// (a site's district counts too). Pinned first, then newest.</summary>
    public async Task<IReadOnlyList<AnnouncementDto>> ListAnnouncementsAsync(string? district, long? siteId, CancellationToken ct = default)
    {
        district = string.IsNullOrWhiteSpace(district) ? null : district.Trim();
        await using var db = await contexts.CreateDbContextAsync(ct);
        string? siteDistrict = null;
        if (siteId is { } sid)
            siteDistrict = await db.Set<Site>().Where(s => s.Id == sid).Select(s => s.DistrictCode).FirstOrDefaultAsync(ct)
                ?? throw SitesErrors.SiteNotFound.Exception();
        var all = await CurrentAnnouncementsAsync(db, clock.GetUtcNow(), ct);
        return all.Where(a =>
                (a.SiteId == null && a.DistrictCode == null)
                || (a.SiteId == null && a.DistrictCode != null && (a.DistrictCode == district || a.DistrictCode == siteDistrict))
                || (a.SiteId != null && a.SiteId == siteId))
            .ToList();
    }

    /// <summary>Announcements residents may see now (not staff-only, published, not expired), pinned first then newest.</summary>
    internal static async Task<IReadOnlyList<AnnouncementDto>> CurrentAnnouncementsAsync(DbContext db, DateTimeOffset now, CancellationToken ct)
    {
        // Filtered in memory: SQLite cannot compare DateTimeOffset columns, and the table is small.
        var rows = await db.Set<Announcement>().AsNoTracking().Where(a => a.Audience != AnnouncementAudience.Staff).ToListAsync(ct);
        return rows.Where(a => a.PublishedAt <= now && (a.ExpiresAt == null || a.ExpiresAt > now))
            .OrderByDescending(a => a.IsPinned).ThenByDescending(a => a.PublishedAt).ThenByDescending(a => a.Id)
            .Select(a => new AnnouncementDto(a.Id, a.Title, a.Body, a.DistrictCode, a.SiteId, a.PublishedAt, a.ExpiresAt, a.IsPinned)).ToList();
    }

    private static IReadOnlyList<string> Tags(string tags) =>
        tags.Split([',', '，', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
