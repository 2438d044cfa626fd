using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Areas;
using Portal.Core.Employers;

namespace Portal.Data.Configurations;

internal sealed class EmployerConfiguration : IEntityTypeConfiguration<Employer>
{
    public void Configure(EntityTypeBuilder<Employer> b)
    {
        b.Property(x => x.Name).HasMaxLength(128);
        b.Property(x => x.CreditCode).HasMaxLength(18);
        b.HasIndex(x => x.CreditCode).IsUnique();
        b.Property(x => x.DistrictCode).HasMaxLength(District.CodeLength);
        b.Property(x => x.StreetCode).HasMaxLength(Street.CodeLength);
        b.Property(x => x.ContactPhoneMasked).HasMaxLength(32);
        b.HasOne<District>().WithMany().HasForeignKey(x => x.DistrictCode).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Roster).WithOne(x => x.Employer).HasForeignKey(x => x.EmployerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EmployeeRosterEntryConfiguration : IEntityTypeConfiguration<EmployeeRosterEntry>
{
    public void Configure(EntityTypeBuilder<EmployeeRosterEntry> b)
    {
        b.Property(x => x.Name).HasMaxLength(64);
        b.Property(x => x.IdNumberMasked).HasMaxLength(32);
        b.Property(x => x.IdNumberHash).HasMaxLength(64);
        b.HasIndex(x => new { x.EmployerId, x.IdNumberHash }).IsUnique();
        b.HasIndex(x => x.ResidentId);
    }
}
