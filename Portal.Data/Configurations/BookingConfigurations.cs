using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Areas;
using Portal.Core.Booking;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Vaccines;
using Portal.Core.Slots;
using Portal.Core.Waitlist;

namespace Portal.Data.Configurations;

internal sealed class SlotConfiguration : IEntityTypeConfiguration<Slot>
{
    public void Configure(EntityTypeBuilder<Slot> b)
    {
        b.HasIndex(x => new { x.SiteId, x.Date, x.ProductId });
        b.HasIndex(x => new { x.ProductId, x.Date });
        // One slot per template per day, even when two instances generate at once (see SlotGenerator). Slots added
        // by hand have no template; NULLs never collide (SQL Server gets an IS NOT NULL filter from EF).
        b.HasIndex(x => new { x.TemplateId, x.Date }).IsUnique();
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<VaccineProduct>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Restrict);
        b.ToTable(t =>
        {
            // The database, not the application, is the last word on overbooking.
            t.HasCheckConstraint("CK_Slots_Booked", "\"Booked\" >= 0 AND \"Booked\" <= \"Capacity\"");
            t.HasCheckConstraint("CK_Slots_Window", "\"EndTime\" > \"StartTime\"");
        });
    }
}

internal sealed class SlotTemplateConfiguration : IEntityTypeConfiguration<SlotTemplate>
{
    public void Configure(EntityTypeBuilder<SlotTemplate> b)
    {
        b.HasIndex(x => new { x.SiteId, x.Day });
        b.HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<VaccineProduct>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Restrict);
        b.ToTable(t => t.HasCheckConstraint("CK_SlotTemplates_Capacity", "\"Capacity\" >= 0"));
    }
}

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

internal sealed class WaitlistEntryConfiguration : IEntityTypeConfiguration<WaitlistEntry>
{
    public void Configure(EntityTypeBuilder<WaitlistEntry> b)
    {
        b.Property(x => x.PreferredDistrictCode).HasMaxLength(District.CodeLength);
        b.HasIndex(x => new { x.ProductId, x.Status, x.RegisteredAt });
        b.HasIndex(x => new { x.ResidentId, x.ProductId });
        b.HasOne<Resident>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class WaitlistCampaignConfiguration : IEntityTypeConfiguration<WaitlistCampaign>
{
    public void Configure(EntityTypeBuilder<WaitlistCampaign> b)
    {
        b.Property(x => x.Name).HasMaxLength(128);
        b.Property(x => x.ResultHash).HasMaxLength(64);
        b.Property(x => x.CreatedByUserId).HasMaxLength(64);
        b.Property(x => x.DistrictCode).HasMaxLength(District.CodeLength);
    }
}

internal sealed class WaitlistOfferConfiguration : IEntityTypeConfiguration<WaitlistOffer>
{
    public void Configure(EntityTypeBuilder<WaitlistOffer> b)
    {
        b.HasIndex(x => new { x.CampaignId, x.Rank }).IsUnique();
        b.HasIndex(x => new { x.Status, x.ExpiresAt });
        b.HasIndex(x => x.EntryId);
    }
}

internal sealed class WaitlistEventConfiguration : IEntityTypeConfiguration<WaitlistEvent>
{
    public void Configure(EntityTypeBuilder<WaitlistEvent> b)
    {
        b.Property(x => x.Kind).HasMaxLength(32);
        b.HasIndex(x => new { x.EntryId, x.At });
    }
}
