using Microsoft.Extensions.DependencyInjection;

namespace Portal.Core.Content;

public static class ContentRegistration
{
    /// <summary>Announcements, articles and guides the resident app shows.</summary>
    public static IServiceCollection AddContent(this IServiceCollection services)
    {
        services.AddScoped<ContentService>();
        return services;
    }
}
