using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Areas;
using Portal.Core.Consents;
using Portal.Core.Injections;
using Portal.Core.Queueing;
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

internal sealed class AdverseEventConfiguration : IEntityTypeConfiguration<AdverseEvent>
{
    public void Configure(EntityTypeBuilder<AdverseEvent> b)
    {
        b.Property(x => x.ReportedByUserId).HasMaxLength(64);
        b.HasIndex(x => x.InjectionId);
        b.HasOne<Injection>().WithMany().HasForeignKey(x => x.InjectionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ConsentFormConfiguration : IEntityTypeConfiguration<ConsentForm>
{
    public void Configure(EntityTypeBuilder<ConsentForm> b)
    {
        b.Property(x => x.ProgrammeCode).HasMaxLength(32);
        b.Property(x => x.Title).HasMaxLength(128);
        b.HasIndex(x => new { x.ProgrammeCode, x.Version }).IsUnique();
    }
}

internal sealed class ConsentConfiguration : IEntityTypeConfiguration<Consent>
{
    public void Configure(EntityTypeBuilder<Consent> b)
    {
        b.Property(x => x.SignatureRef).HasMaxLength(256);
        b.HasIndex(x => x.ResidentId);
        b.HasOne<ConsentForm>().WithMany().HasForeignKey(x => x.FormId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class QuestionnaireConfiguration : IEntityTypeConfiguration<Questionnaire>
{
    public void Configure(EntityTypeBuilder<Questionnaire> b)
    {
        b.Property(x => x.ProgrammeCode).HasMaxLength(32);
        b.Property(x => x.Title).HasMaxLength(128);
    }
}

internal sealed class QuestionnaireResponseConfiguration : IEntityTypeConfiguration<QuestionnaireResponse>
{
    public void Configure(EntityTypeBuilder<QuestionnaireResponse> b)
    {
        b.HasIndex(x => new { x.ResidentId, x.QuestionnaireId });
        b.HasOne<Questionnaire>().WithMany().HasForeignKey(x => x.QuestionnaireId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class QueueTicketConfiguration : IEntityTypeConfiguration<QueueTicket>
{
    public void Configure(EntityTypeBuilder<QueueTicket> b)
    {
        b.Property(x => x.Window).HasMaxLength(16);
        b.HasIndex(x => new { x.SiteId, x.Date, x.Stage, x.Number }).IsUnique();
        b.HasIndex(x => new { x.SiteId, x.Date, x.Status });
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
