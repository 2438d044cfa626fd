using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Areas;
using Portal.Core.Residents;

namespace Portal.Data.Configurations;

internal sealed class ResidentConfiguration : IEntityTypeConfiguration<Resident>
{
    public void Configure(EntityTypeBuilder<Resident> b)
    {
        b.Property(x => x.Name).HasMaxLength(Resident.NameLength);
        b.Property(x => x.IdNumberCipher).HasMaxLength(256);
        b.Property(x => x.IdNumberHash).HasMaxLength(64);
        b.Property(x => x.IdNumberMasked).HasMaxLength(32);
        b.Property(x => x.PhoneCipher).HasMaxLength(128);
        b.Property(x => x.PhoneHash).HasMaxLength(64);
        b.Property(x => x.PhoneMasked).HasMaxLength(16);
        b.Property(x => x.DistrictCode).HasMaxLength(District.CodeLength);
        b.Property(x => x.StreetCode).HasMaxLength(Street.CodeLength);
        // One person, one record: the keyed hash of the normalised document number is unique per kind.
        b.HasIndex(x => new { x.IdKind, x.IdNumberHash }).IsUnique();
        b.HasIndex(x => x.PhoneHash);
        b.HasIndex(x => new { x.DistrictCode, x.StreetCode });
        b.HasIndex(x => x.EmployerId);
    }
}

internal sealed class ResidentAccountConfiguration : IEntityTypeConfiguration<ResidentAccount>
{
    public void Configure(EntityTypeBuilder<ResidentAccount> b)
    {
        b.Property(x => x.PhoneCipher).HasMaxLength(128);
        b.Property(x => x.PhoneHash).HasMaxLength(64);
        b.Property(x => x.PhoneMasked).HasMaxLength(16);
        b.HasIndex(x => x.PhoneHash).IsUnique();
        b.HasMany(x => x.Members).WithOne().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FamilyMemberConfiguration : IEntityTypeConfiguration<FamilyMember>
{
    public void Configure(EntityTypeBuilder<FamilyMember> b)
    {
        b.HasIndex(x => new { x.AccountId, x.ResidentId }).IsUnique();
        b.HasIndex(x => x.ResidentId);
        b.HasOne(x => x.Resident).WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ResidentLinkRequestConfiguration : IEntityTypeConfiguration<ResidentLinkRequest>
{
    public void Configure(EntityTypeBuilder<ResidentLinkRequest> b)
    {
        b.Property(x => x.CodeHash).HasMaxLength(ResidentLinkRequest.CodeHashLength);
        b.HasIndex(x => new { x.AccountId, x.Status });
        b.HasIndex(x => new { x.ResidentId, x.Status });
        b.HasOne<ResidentAccount>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Resident>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Restrict);
    }
}
