using Microsoft.Extensions.DependencyInjection;

namespace Portal.Core.Vaccines;

public static class VaccinesRegistration
{
    /// <summary>The vaccine catalogue (cached in memory, refreshed by catalogue events), its rules editor and lot traceability.</summary>
    public static IServiceCollection AddVaccines(this IServiceCollection services)
    {
        services.AddSingleton<VaccineCatalogue>();
        services.AddScoped<CatalogueRulesService>();
        services.AddScoped<TraceabilityService>();
        return services;
    }
}
