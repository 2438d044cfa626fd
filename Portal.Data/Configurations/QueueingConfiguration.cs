using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Queueing;

namespace Portal.Data.Configurations;

internal sealed class QueueTicketConfiguration : IEntityTypeConfiguration<QueueTicket>
{
    public void Configure(EntityTypeBuilder<QueueTicket> b)
    {
        b.Property(x => x.Window).HasMaxLength(16);
        b.HasIndex(x => new { x.SiteId, x.Date, x.Stage, x.Number }).IsUnique();
        b.HasIndex(x => new { x.SiteId, x.Date, x.Status });
    }
}
