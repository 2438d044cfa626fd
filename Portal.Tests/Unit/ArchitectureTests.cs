using Portal.Core.Common;

namespace Portal.Tests.Unit;

/// <summary>Rules about which project may use what (ADR 0001, ADR 0003), checked on the built assemblies.</summary>
public sealed class ArchitectureTests
{
    [Fact]
    public void The_domain_uses_no_ASP_NET_Core_assembly_and_no_database_provider()
    {
        var references = typeof(ChinaTime).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        // Identity's managers live in Microsoft.Extensions.Identity.*, though their namespace says Microsoft.AspNetCore.Identity.
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.Contains("Sqlite", StringComparison.Ordinal) || r.Contains("Npgsql", StringComparison.Ordinal) || r.Contains("SqlServer", StringComparison.Ordinal));
        Assert.Contains("Microsoft.EntityFrameworkCore", references);
    }
}
