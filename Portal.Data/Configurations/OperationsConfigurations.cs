using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Areas;
using Portal.Core.Auditing;
using Portal.Core.Content;
using Portal.Core.Feedback;
using Portal.Core.Messaging;
using Portal.Core.Statistics;

namespace Portal.Data.Configurations;

internal sealed class AnnouncementConfiguration : IEntityTypeConfiguration<Announcement>
{
    public void Configure(EntityTypeBuilder<Announcement> b)
    {
        b.Property(x => x.Title).HasMaxLength(128);
        b.Property(x => x.DistrictCode).HasMaxLength(District.CodeLength);
        b.Property(x => x.AuthorUserId).HasMaxLength(64);
        b.HasIndex(x => x.PublishedAt);
    }
}

internal sealed class KnowledgeArticleConfiguration : IEntityTypeConfiguration<KnowledgeArticle>
{
    public void Configure(EntityTypeBuilder<KnowledgeArticle> b)
    {
        b.Property(x => x.Title).HasMaxLength(128);
        b.Property(x => x.Summary).HasMaxLength(512);
        b.Property(x => x.ProgrammeCode).HasMaxLength(32);
        b.Property(x => x.Tags).HasMaxLength(256);
    }
}

internal sealed class FeedbackItemConfiguration : IEntityTypeConfiguration<FeedbackItem>
{
    public void Configure(EntityTypeBuilder<FeedbackItem> b)
    {
        b.ToTable("Feedback");
        b.Property(x => x.Comment).HasMaxLength(FeedbackItem.CommentLength);
        b.Property(x => x.Reply).HasMaxLength(2000);
        b.Property(x => x.RepliedByUserId).HasMaxLength(64);
        b.HasIndex(x => new { x.SiteId, x.Status });
        b.ToTable(t => t.HasCheckConstraint("CK_Feedback_Rating", "\"Rating\" IS NULL OR (\"Rating\" >= 1 AND \"Rating\" <= 5)"));
    }
}

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> b)
    {
        b.Property(x => x.RecipientId).HasMaxLength(64);
        b.Property(x => x.Title).HasMaxLength(128);
        b.Property(x => x.Link).HasMaxLength(256);
        b.HasIndex(x => new { x.RecipientKind, x.RecipientId, x.ReadAt });
    }
}

internal sealed class SmsOutboxMessageConfiguration : IEntityTypeConfiguration<SmsOutboxMessage>
{
    public void Configure(EntityTypeBuilder<SmsOutboxMessage> b)
    {
        b.ToTable("SmsOutbox");
        b.Property(x => x.DedupKey).HasMaxLength(128);
        b.HasIndex(x => x.DedupKey).IsUnique();
        b.Property(x => x.PhoneCipher).HasMaxLength(128);
        b.Property(x => x.PhoneMasked).HasMaxLength(16);
        b.Property(x => x.Template).HasMaxLength(64);
        b.Property(x => x.Culture).HasMaxLength(8);
        b.Property(x => x.Body).HasMaxLength(512);
        b.Property(x => x.LastError).HasMaxLength(512);
        b.HasIndex(x => new { x.Status, x.NextAttemptAt });
    }
}

internal sealed class SmsVerificationCodeConfiguration : IEntityTypeConfiguration<SmsVerificationCode>
{
    public void Configure(EntityTypeBuilder<SmsVerificationCode> b)
    {
        b.ToTable("SmsCodes");
        b.Property(x => x.PhoneHash).HasMaxLength(64);
        b.Property(x => x.CodeHash).HasMaxLength(64);
        b.Property(x => x.ClientIp).HasMaxLength(64);
        b.HasIndex(x => new { x.PhoneHash, x.CreatedAt });
        // The per-IP hourly limit counts by address.
        b.HasIndex(x => new { x.ClientIp, x.CreatedAt });
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.Property(x => x.UserId).HasMaxLength(64);
        b.Property(x => x.UserName).HasMaxLength(128);
        b.Property(x => x.Action).HasMaxLength(64);
        b.Property(x => x.EntityType).HasMaxLength(64);
        b.Property(x => x.EntityId).HasMaxLength(64);
        b.Property(x => x.Detail).HasMaxLength(1024);
        b.Property(x => x.IpAddress).HasMaxLength(64);
        b.HasIndex(x => x.At);
        b.HasIndex(x => new { x.UserId, x.At });
    }
}

internal sealed class DailyInjectionStatConfiguration : IEntityTypeConfiguration<DailyInjectionStat>
{
    public void Configure(EntityTypeBuilder<DailyInjectionStat> b)
    {
        b.Property(x => x.DistrictCode).HasMaxLength(District.CodeLength);
        b.Property(x => x.StreetCode).HasMaxLength(Street.CodeLength);
        // EmployerId is 0 rather than NULL for "no employer" so this key is unique on every provider.
        b.HasIndex(x => new { x.Date, x.SiteId, x.ProductId, x.DoseNumber, x.StreetCode, x.EmployerId }).IsUnique();
        b.HasIndex(x => new { x.Date, x.DistrictCode });
    }
}

internal sealed class VaccinationTargetConfiguration : IEntityTypeConfiguration<VaccinationTarget>
{
    public void Configure(EntityTypeBuilder<VaccinationTarget> b)
    {
        b.Property(x => x.ProgrammeCode).HasMaxLength(32);
        b.Property(x => x.DistrictCode).HasMaxLength(District.CodeLength);
    }
}
