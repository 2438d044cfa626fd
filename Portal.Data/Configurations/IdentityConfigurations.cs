using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Identity;

namespace Portal.Data.Configurations;

internal sealed class StaffUserConfiguration : IEntityTypeConfiguration<StaffUser>
{
    public void Configure(EntityTypeBuilder<StaffUser> b)
    {
        b.Property(x => x.DisplayName).HasMaxLength(64);
        b.Property(x => x.ScopeDistrictCode).HasMaxLength(6);
        b.Property(x => x.PreferredCulture).HasMaxLength(8);
    }
}
