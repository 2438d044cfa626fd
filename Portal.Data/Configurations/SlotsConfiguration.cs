using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Sites;
using Portal.Core.Slots;
using Portal.Core.Vaccines;

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
