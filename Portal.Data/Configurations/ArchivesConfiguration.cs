using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Archives;
using Portal.Core.Residents;
using Portal.Core.Sites;

namespace Portal.Data.Configurations;

internal sealed class VaccinationArchiveConfiguration : IEntityTypeConfiguration<VaccinationArchive>
{
    public void Configure(EntityTypeBuilder<VaccinationArchive> b)
    {
        b.Property(x => x.ArchiveNumber).HasMaxLength(VaccinationArchive.ArchiveNumberLength);
        b.Property(x => x.GuardianPhoneHash).HasMaxLength(64);
        b.HasIndex(x => x.ArchiveNumber).IsUnique();
        b.HasIndex(x => x.ResidentId);
        b.HasOne<Resident>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Site>().WithMany().HasForeignKey(x => x.ManagingSiteId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ArchiveRequestConfiguration : IEntityTypeConfiguration<ArchiveRequest>
{
    public void Configure(EntityTypeBuilder<ArchiveRequest> b)
    {
        b.Property(x => x.ReviewedByUserId).HasMaxLength(64);
        b.Property(x => x.RejectReason).HasMaxLength(256);
        b.HasIndex(x => new { x.ToSiteId, x.Status });
        b.HasIndex(x => x.AccountId);
    }
}
