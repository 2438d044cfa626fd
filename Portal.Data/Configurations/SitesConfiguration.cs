using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Areas;
using Portal.Core.Sites;

namespace Portal.Data.Configurations;

internal sealed class SiteConfiguration : IEntityTypeConfiguration<Site>
{
    public void Configure(EntityTypeBuilder<Site> b)
    {
        b.Property(x => x.Code).HasMaxLength(32);
        b.HasIndex(x => x.Code).IsUnique();
        b.Property(x => x.Name).HasMaxLength(128);
        b.Property(x => x.DistrictCode).HasMaxLength(District.CodeLength);
        b.Property(x => x.StreetCode).HasMaxLength(Street.CodeLength);
        b.Property(x => x.Phone).HasMaxLength(32);
        b.HasIndex(x => new { x.DistrictCode, x.StreetCode });
        b.HasOne<District>().WithMany().HasForeignKey(x => x.DistrictCode).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Street>().WithMany().HasForeignKey(x => x.StreetCode).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.OpeningHours).WithOne().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SiteClosureConfiguration : IEntityTypeConfiguration<SiteClosure>
{
    public void Configure(EntityTypeBuilder<SiteClosure> b)
    {
        b.HasIndex(x => new { x.SiteId, x.Date }).IsUnique();
        b.Property(x => x.Reason).HasMaxLength(128);
        b.HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DeviceConfiguration : IEntityTypeConfiguration<Device>
{
    public void Configure(EntityTypeBuilder<Device> b)
    {
        b.Property(x => x.SerialNumber).HasMaxLength(Device.SerialNumberLength);
        b.HasIndex(x => x.SerialNumber).IsUnique();
        b.Property(x => x.Name).HasMaxLength(64);
        b.HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Restrict);
    }
}
