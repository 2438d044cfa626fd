using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Consents;

namespace Portal.Data.Configurations;

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
