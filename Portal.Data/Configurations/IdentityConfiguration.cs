using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Areas;
using Portal.Core.Identity;

namespace Portal.Data.Configurations;

internal sealed class StaffUserConfiguration : IEntityTypeConfiguration<StaffUser>
{
    public void Configure(EntityTypeBuilder<StaffUser> b)
    {
        b.Property(x => x.DisplayName).HasMaxLength(64);
        b.Property(x => x.ScopeDistrictCode).HasMaxLength(District.CodeLength);
        b.Property(x => x.PreferredCulture).HasMaxLength(8);
    }
}

internal sealed class SignInAttemptConfiguration : IEntityTypeConfiguration<SignInAttempt>
{
    public void Configure(EntityTypeBuilder<SignInAttempt> b)
    {
        b.Property(x => x.NameKey).HasMaxLength(SignInAttempt.NameKeyLength);
        b.Property(x => x.Ip).HasMaxLength(SignInAttempt.IpLength);
        b.HasIndex(x => new { x.NameKey, x.At });
        b.HasIndex(x => new { x.Ip, x.At });
    }
}

internal sealed class StaffSessionConfiguration : IEntityTypeConfiguration<StaffSession>
{
    public void Configure(EntityTypeBuilder<StaffSession> b)
    {
        b.Property(x => x.Id).HasMaxLength(StaffSession.IdLength);
        b.Property(x => x.UserId).HasMaxLength(450);
        b.Property(x => x.Ip).HasMaxLength(64);
        b.Property(x => x.UserAgent).HasMaxLength(StaffSession.UserAgentLength);
        b.HasIndex(x => new { x.UserId, x.EndedAt });
        b.HasOne<StaffUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SecuritySettingsConfiguration : IEntityTypeConfiguration<SecuritySettings>
{
    public void Configure(EntityTypeBuilder<SecuritySettings> b)
    {
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.TwoFactorRoles).HasMaxLength(SecuritySettings.RolesLength);
        b.Property(x => x.UpdatedByUserId).HasMaxLength(64);
    }
}
