using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Areas;
using Portal.Core.Content;

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
