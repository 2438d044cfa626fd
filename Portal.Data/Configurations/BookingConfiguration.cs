using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Booking;
using Portal.Core.Residents;
using Portal.Core.Slots;

namespace Portal.Data.Configurations;

internal sealed class AppointmentConfiguration : IEntityTypeConfiguration<Appointment>
{
    public void Configure(EntityTypeBuilder<Appointment> b)
    {
        b.Property(x => x.ActiveKey).HasMaxLength(96);
        // Nullable unique: SQLite and PostgreSQL allow many NULLs; for SQL Server EF adds "IS NOT NULL".
        b.HasIndex(x => x.ActiveKey).IsUnique();
        b.HasIndex(x => new { x.ResidentId, x.Status });
        b.HasIndex(x => new { x.SlotId, x.Status });
        b.HasIndex(x => new { x.SiteId, x.Date });
        b.HasIndex(x => x.AccountId);
        b.Property(x => x.CancelReason).HasMaxLength(Appointment.CancelReasonLength);
        b.HasOne<Slot>().WithMany().HasForeignKey(x => x.SlotId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Resident>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.Property(x => x.Scope).HasMaxLength(128);
        b.Property(x => x.Key).HasMaxLength(128);
        b.Property(x => x.RequestHash).HasMaxLength(64);
        b.HasIndex(x => new { x.Scope, x.Key }).IsUnique();
        b.HasIndex(x => x.ExpiresAt);
    }
}
