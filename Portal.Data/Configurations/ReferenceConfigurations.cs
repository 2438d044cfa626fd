using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Areas;
using Portal.Core.Employers;
using Portal.Core.Sites;

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
