using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Areas;
using Portal.Core.Statistics;

namespace Portal.Data.Configurations;

internal sealed class DailyInjectionStatConfiguration : IEntityTypeConfiguration<DailyInjectionStat>
{
    public void Configure(EntityTypeBuilder<DailyInjectionStat> b)
    {
        b.Property(x => x.DistrictCode).HasMaxLength(District.CodeLength);
        b.Property(x => x.StreetCode).HasMaxLength(Street.CodeLength);
        // EmployerId is 0 rather than NULL for "no employer" so this key is unique on every provider.
        b.HasIndex(x => new { x.Date, x.SiteId, x.ProductId, x.DoseNumber, x.StreetCode, x.EmployerId }).IsUnique();
        b.HasIndex(x => new { x.Date, x.DistrictCode });
    }
}

internal sealed class VaccinationTargetConfiguration : IEntityTypeConfiguration<VaccinationTarget>
{
    public void Configure(EntityTypeBuilder<VaccinationTarget> b)
    {
        b.Property(x => x.ProgrammeCode).HasMaxLength(32);
        b.Property(x => x.DistrictCode).HasMaxLength(District.CodeLength);
    }
}
