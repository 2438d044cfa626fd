using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Sites;
using Portal.Core.Vaccines;

namespace Portal.Data.Configurations;

internal sealed class VaccineProgrammeConfiguration : IEntityTypeConfiguration<VaccineProgramme>
{
    public void Configure(EntityTypeBuilder<VaccineProgramme> b)
    {
        b.Property(x => x.Code).HasMaxLength(VaccineProgramme.CodeLength);
        b.HasIndex(x => x.Code).IsUnique();
        b.Property(x => x.Name).HasMaxLength(64);
        b.Property(x => x.NameEn).HasMaxLength(128);
        b.HasMany(x => x.Products).WithOne(x => x.Programme).HasForeignKey(x => x.ProgrammeId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class VaccineProductConfiguration : IEntityTypeConfiguration<VaccineProduct>
{
    public void Configure(EntityTypeBuilder<VaccineProduct> b)
    {
        b.Property(x => x.Code).HasMaxLength(32);
        b.HasIndex(x => x.Code).IsUnique();
        foreach (var p in new[] { nameof(VaccineProduct.Name), nameof(VaccineProduct.Brand), nameof(VaccineProduct.Maker), nameof(VaccineProduct.Technology), nameof(VaccineProduct.SeriesGroup) })
            b.Property<string>(p).HasMaxLength(64);
        foreach (var p in new[] { nameof(VaccineProduct.NameEn), nameof(VaccineProduct.BrandEn), nameof(VaccineProduct.MakerEn) })
            b.Property<string>(p).HasMaxLength(128);
        b.HasMany(x => x.Schedules).WithOne().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DoseScheduleConfiguration : IEntityTypeConfiguration<DoseSchedule>
{
    public void Configure(EntityTypeBuilder<DoseSchedule> b)
    {
        b.HasMany(x => x.Doses).WithOne().HasForeignKey(x => x.ScheduleId).OnDelete(DeleteBehavior.Cascade);
        b.ToTable(t => t.HasCheckConstraint("CK_DoseSchedules_DoseCount", "\"DoseCount\" >= 1"));
    }
}

internal sealed class DoseRuleConfiguration : IEntityTypeConfiguration<DoseRule>
{
    public void Configure(EntityTypeBuilder<DoseRule> b) => b.HasIndex(x => new { x.ScheduleId, x.DoseNumber }).IsUnique();
}

internal sealed class ChildScheduleEntryConfiguration : IEntityTypeConfiguration<ChildScheduleEntry>
{
    public void Configure(EntityTypeBuilder<ChildScheduleEntry> b)
    {
        b.Property(x => x.ProgrammeCode).HasMaxLength(32);
        b.Property(x => x.Label).HasMaxLength(64);
        b.Property(x => x.LabelEn).HasMaxLength(128);
        b.HasIndex(x => new { x.ProgrammeCode, x.DoseNumber }).IsUnique();
    }
}

internal sealed class VaccineLotConfiguration : IEntityTypeConfiguration<VaccineLot>
{
    public void Configure(EntityTypeBuilder<VaccineLot> b)
    {
        b.Property(x => x.BatchNumber).HasMaxLength(VaccineLot.CodeLength);
        b.Property(x => x.TraceabilityCode).HasMaxLength(VaccineLot.CodeLength);
        b.Property(x => x.BatchReleaseCertificate).HasMaxLength(64);
        b.HasIndex(x => new { x.ProductId, x.BatchNumber }).IsUnique();
        b.HasIndex(x => x.TraceabilityCode);
        b.HasOne(x => x.Product).WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class LotStockConfiguration : IEntityTypeConfiguration<LotStock>
{
    public void Configure(EntityTypeBuilder<LotStock> b)
    {
        b.HasIndex(x => new { x.SiteId, x.LotId }).IsUnique();
        b.HasOne(x => x.Lot).WithMany().HasForeignKey(x => x.LotId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Site>().WithMany().HasForeignKey(x => x.SiteId).OnDelete(DeleteBehavior.Restrict);
        // Stock is decremented with a conditional UPDATE; this is the last line of defence.
        b.ToTable(t => t.HasCheckConstraint("CK_LotStocks_OnHand", "\"OnHand\" >= 0"));
    }
}

internal sealed class StockMovementConfiguration : IEntityTypeConfiguration<StockMovement>
{
    public void Configure(EntityTypeBuilder<StockMovement> b)
    {
        b.HasIndex(x => new { x.SiteId, x.LotId, x.At });
        b.Property(x => x.StaffUserId).HasMaxLength(64);
        b.Property(x => x.Note).HasMaxLength(256);
    }
}
