using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Jobs;

namespace Portal.Core.Slots;

public static class SlotsRegistration
{
    /// <summary>Slot administration (号源), stock-capacity figures and the daily slot generation job
    /// (configuration section "Slots": GenerateDaysAhead, CapacityFollowsStock, GenerateInBackground).</summary>
    public static IServiceCollection AddSlots(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SlotOptions>(configuration.GetSection(SlotOptions.Section));
        services.AddScoped<SlotAdminService>();
        services.AddScoped<StockCapacityService>();
        services.AddScoped<SlotGenerator>();
        if (configuration.GetValue("Slots:GenerateInBackground", true))
            services.AddRecurringJob<SlotGenerationJob>();
        return services;
    }
}
