using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Areas;
using Portal.Core.Residents;
using Portal.Core.Waitlist;

namespace Portal.Data.Configurations;

internal sealed class WaitlistEntryConfiguration : IEntityTypeConfiguration<WaitlistEntry>
{
    public void Configure(EntityTypeBuilder<WaitlistEntry> b)
    {
        b.Property(x => x.PreferredDistrictCode).HasMaxLength(District.CodeLength);
        b.HasIndex(x => new { x.ProductId, x.Status, x.RegisteredAt });
        b.HasIndex(x => new { x.ResidentId, x.ProductId });
        b.HasOne<Resident>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class WaitlistCampaignConfiguration : IEntityTypeConfiguration<WaitlistCampaign>
{
    public void Configure(EntityTypeBuilder<WaitlistCampaign> b)
    {
        b.Property(x => x.Name).HasMaxLength(128);
        b.Property(x => x.ResultHash).HasMaxLength(64);
        b.Property(x => x.CreatedByUserId).HasMaxLength(64);
        b.Property(x => x.DistrictCode).HasMaxLength(District.CodeLength);
    }
}

internal sealed class WaitlistOfferConfiguration : IEntityTypeConfiguration<WaitlistOffer>
{
    public void Configure(EntityTypeBuilder<WaitlistOffer> b)
    {
        b.HasIndex(x => new { x.CampaignId, x.Rank }).IsUnique();
        b.HasIndex(x => new { x.Status, x.ExpiresAt });
        b.HasIndex(x => x.EntryId);
    }
}

internal sealed class WaitlistEventConfiguration : IEntityTypeConfiguration<WaitlistEvent>
{
    public void Configure(EntityTypeBuilder<WaitlistEvent> b)
    {
        b.Property(x => x.Kind).HasMaxLength(32);
        b.HasIndex(x => new { x.EntryId, x.At });
    }
}
