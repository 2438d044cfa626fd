using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Feedback;

namespace Portal.Data.Configurations;

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
