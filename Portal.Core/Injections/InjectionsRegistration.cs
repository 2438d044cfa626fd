using Microsoft.Extensions.DependencyInjection;

namespace Portal.Core.Injections;

public static class InjectionsRegistration
{
    /// <summary>Recording doses (PDA), the staff's injection queries and exports, and the resident's own records.</summary>
    public static IServiceCollection AddInjections(this IServiceCollection services)
    {
        services.AddScoped<InjectionService>();
        services.AddScoped<InjectionQueryService>();
        services.AddScoped<RecordsService>();
        return services;
    }
}
