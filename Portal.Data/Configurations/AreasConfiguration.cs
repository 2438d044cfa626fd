using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Areas;

namespace Portal.Data.Configurations;

internal sealed class DistrictConfiguration : IEntityTypeConfiguration<District>
{
    public void Configure(EntityTypeBuilder<District> b)
    {
        b.HasKey(x => x.Code);
        b.Property(x => x.Code).HasMaxLength(District.CodeLength);
        b.Property(x => x.Name).HasMaxLength(32);
        b.HasMany(x => x.Streets).WithOne(x => x.District).HasForeignKey(x => x.DistrictCode).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class StreetConfiguration : IEntityTypeConfiguration<Street>
{
    public void Configure(EntityTypeBuilder<Street> b)
    {
        b.HasKey(x => x.Code);
        b.Property(x => x.Code).HasMaxLength(Street.CodeLength);
        b.Property(x => x.DistrictCode).HasMaxLength(District.CodeLength);
        b.Property(x => x.Name).HasMaxLength(32);
    }
}
