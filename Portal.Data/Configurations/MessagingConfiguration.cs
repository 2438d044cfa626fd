using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Messaging;

namespace Portal.Data.Configurations;

internal sealed class SmsOutboxMessageConfiguration : IEntityTypeConfiguration<SmsOutboxMessage>
{
    public void Configure(EntityTypeBuilder<SmsOutboxMessage> b)
    {
        b.ToTable("SmsOutbox");
        b.Property(x => x.DedupKey).HasMaxLength(128);
        b.HasIndex(x => x.DedupKey).IsUnique();
        b.Property(x => x.PhoneCipher).HasMaxLength(128);
        b.Property(x => x.PhoneMasked).HasMaxLength(16);
        b.Property(x => x.Template).HasMaxLength(64);
        b.Property(x => x.Culture).HasMaxLength(8);
        b.Property(x => x.Body).HasMaxLength(512);
        b.Property(x => x.LastError).HasMaxLength(512);
        b.HasIndex(x => new { x.Status, x.NextAttemptAt });
    }
}

internal sealed class SmsVerificationCodeConfiguration : IEntityTypeConfiguration<SmsVerificationCode>
{
    public void Configure(EntityTypeBuilder<SmsVerificationCode> b)
    {
        b.ToTable("SmsCodes");
        b.Property(x => x.PhoneHash).HasMaxLength(64);
        b.Property(x => x.CodeHash).HasMaxLength(64);
        b.Property(x => x.ClientIp).HasMaxLength(64);
        b.HasIndex(x => new { x.PhoneHash, x.CreatedAt });
        // The per-IP hourly limit counts by address.
        b.HasIndex(x => new { x.ClientIp, x.CreatedAt });
    }
}
