using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Jobs;

namespace Portal.Data.Configurations;

internal sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
{
    public void Configure(EntityTypeBuilder<JobRun> b)
    {
        b.ToTable("JobRuns");
        b.HasKey(r => r.Name);
        b.Property(r => r.Name).HasMaxLength(JobRun.NameLength);
        b.Property(r => r.Instance).HasMaxLength(JobRun.InstanceLength);
    }
}
