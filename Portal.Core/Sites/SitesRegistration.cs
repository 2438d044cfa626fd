using Microsoft.Extensions.DependencyInjection;

namespace Portal.Core.Sites;

public static class SitesRegistration
{
    /// <summary>The site directory residents search (which sites are listed, their hours, stock and announcements).</summary>
    public static IServiceCollection AddSites(this IServiceCollection services)
    {
        services.AddScoped<SiteDirectory>();
        return services;
    }
}
