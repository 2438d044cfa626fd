using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Injections;
using Portal.Core.Residents;
using Portal.Core.Sites;

namespace Portal.Core.Feedback;

public sealed record SubmitFeedbackRequest(FeedbackKind? Kind, long? SiteId, long? InjectionId, int? Rating,
    [property: TextInput(FeedbackItem.CommentLength, TextKind.MultiLine)] string? Comment);

public sealed record FeedbackDto(long Id, FeedbackKind Kind, long? SiteId, long? InjectionId, int? Rating, string Comment, FeedbackStatus Status,
    string? Reply, DateTimeOffset CreatedAt, DateTimeOffset? RepliedAt);

/// <summary>满意度评价与意见反馈. A rating is about one dose the account's own family received.</summary>
public sealed class FeedbackService(IDbContextFactory<DbContext> contexts)
{
    public const int MaxCommentLength = 500;

    public async Task<FeedbackDto> SubmitAsync(long accountId, SubmitFeedbackRequest request, CancellationToken ct = default)
    {
        var errors = new List<FieldError>();
        var comment = request.Comment?.Trim() ?? "";
        if (request.Kind is not { } kind || !Enum.IsDefined(kind))
            throw new DomainValidationException("kind", new("请选择反馈类型（Rating、Suggestion 或 Complaint）", "Choose the kind: Rating, Suggestion or Complaint"));
        if (comment.Length > MaxCommentLength)
            errors.Add(new("comment", new($"内容不超过{MaxCommentLength}字", $"At most {MaxCommentLength} characters")));
        if (kind == FeedbackKind.Rating)
        {
            if (request.Rating is not (>= 1 and <= 5))
                errors.Add(new("rating", new("请评1到5星", "Give a rating from 1 to 5")));
            if (request.InjectionId is null)
                errors.Add(new("injectionId", new("请选择要评价的接种记录", "Choose the dose you are rating")));
        }
        else
        {
            if (request.Rating is not null)
                errors.Add(new("rating", new("只有满意度评价可以打分", "Only a rating carries stars")));
            if (comment.Length == 0)
                errors.Add(new("comment", new("请填写反馈内容", "Write your feedback")));
        }
        if (errors.Count > 0) throw new DomainValidationException(errors);

        await using var db = await contexts.CreateDbContextAsync(ct);
        var siteId = request.SiteId;
        if (request.InjectionId is { } injectionId)
        {
            var injection = await (
                from i in db.Set<Injection>()
                where i.Id == injectionId && db.Set<FamilyMember>().Any(m => m.AccountId == accountId && m.ResidentId == i.ResidentId)
                select new { i.SiteId }).FirstOrDefaultAsync(ct)
                ?? throw FeedbackErrors.InjectionNotFound.Exception();
            if (siteId is not null && siteId != injection.SiteId)
                throw new DomainValidationException("siteId", new("接种点与接种记录不一致", "The site is not where this dose was given"));
            siteId = injection.SiteId;
            if (kind == FeedbackKind.Rating && await db.Set<FeedbackItem>().AnyAsync(f => f.AccountId == accountId && f.InjectionId == injectionId && f.Kind == FeedbackKind.Rating, ct))
                throw FeedbackErrors.AlreadyRated.Exception();
        }
        else if (siteId is { } sid && !await db.Set<Site>().AnyAsync(s => s.Id == sid, ct))
            throw SitesErrors.SiteNotFound.Exception();

        var item = new FeedbackItem
        {
            Kind = kind, AccountId = accountId, SiteId = siteId, InjectionId = request.InjectionId, Rating = request.Rating, Comment = comment, Status = FeedbackStatus.New,
        };
        db.Add(item);
        await db.SaveChangesAsync(ct);
        return ToDto(item);
    }

    public async Task<IReadOnlyList<FeedbackDto>> ListAsync(long accountId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Set<FeedbackItem>().AsNoTracking().Where(f => f.AccountId == accountId).OrderByDescending(f => f.Id).ToListAsync(ct);
        return rows.Select(ToDto).ToList();
    }

    private static FeedbackDto ToDto(FeedbackItem f) =>
        new(f.Id, f.Kind, f.SiteId, f.InjectionId, f.Rating, f.Comment, f.Status, f.Reply, f.CreatedAt, f.RepliedAt);
}
