using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Areas;
using Portal.Core.Injections;
using Portal.Core.Residents;
using Portal.Core.Sites;
using Portal.Core.Vaccines;

namespace Portal.Data.Configurations;

internal sealed class InjectionConfiguration : IEntityTypeConfiguration<Injection>
{
    public void Configure(EntityTypeBuilder<Injection> b)
    {
        b.Property(x => x.DoctorUserId).HasMaxLength(64);
        b.Property(x => x.BodySite).HasMaxLength(Injection.BodySiteLength);
        b.Property(x => x.DistrictCode).HasMaxLength(District.CodeLength);
        b.Property(x => x.StreetCode).HasMaxLength(Street.CodeLength);
        b.Property(x => x.EligibilityOverrideReason).HasMaxLength(Injection.OverrideReasonLength);
        b.HasIndex(x => x.InjectedAt);
        b.HasIndex(x => new { x.SiteId, x.InjectedOn });
        b.HasIndex(x => new { x.ResidentId, x.ProductId, x.DoseNumber });
        // At most one dose of a product per person per (China) day, whatever a doctor's override says and however
        // many PDAs record at once.
        b.HasIndex(x => new { x.ResidentId, x.ProductId, x.InjectedOn }).IsUnique();
        b.HasIndex(x => new { x.DistrictCode, x.InjectedOn });
        b.HasOne<Resident>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<VaccineLot>().WithMany().HasForeignKey(x => x.LotId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<VaccineProduct>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Restrict);
        b.ToTable(t => t.HasCheckConstraint("CK_Injections_DoseNumber", "\"DoseNumber\" >= 1"));
    }
}

internal sealed class ObservationConfiguration : IEntityTypeConfiguration<Observation>
{
    public void Configure(EntityTypeBuilder<Observation> b)
    {
        b.HasIndex(x => x.InjectionId).IsUnique();
        b.HasIndex(x => new { x.Outcome, x.DueAt });
        b.Property(x => x.Note).HasMaxLength(512);
        b.HasOne<Injection>().WithMany().HasForeignKey(x => x.InjectionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class VisitConfiguration : IEntityTypeConfiguration<Visit>
{
    public void Configure(EntityTypeBuilder<Visit> b)
    {
        b.Property(x => x.StaffUserId).HasMaxLength(64);
        b.HasIndex(x => new { x.ResidentId, x.SiteId, x.ExpiresAt });
        b.HasOne<Resident>().WithMany().HasForeignKey(x => x.ResidentId).OnDelete(DeleteBehavior.Cascade);
    }
}
