using Microsoft.Extensions.DependencyInjection;

namespace Portal.Core.Archives;

public static class ArchivesRegistration
{
    /// <summary>Children's vaccination archives (建档), for residents and staff.</summary>
    public static IServiceCollection AddArchives(this IServiceCollection services)
    {
        services.AddScoped<ArchiveService>();
        return services;
    }
}
