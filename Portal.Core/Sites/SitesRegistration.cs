using Microsoft.Extensions.DependencyInjection;

namespace Portal.Core.Sites;

public static class SitesRegistration
{
    /// <summary>The site directory residents search (which sites are listed, their hours, stock and announcements) and the
    /// console's site list, within the caller's data scope.</summary>
    public static IServiceCollection AddSites(this IServiceCollection services)
    {
        services.AddScoped<SiteDirectory>();
        services.AddScoped<SiteAdminService>();
        return services;
    }
}
