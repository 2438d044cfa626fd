using Portal.Core.Jobs;
using Portal.Core.Slots;

namespace Portal.Slots;

public static class SlotManagementExtensions
{
    /// <summary>Slot administration, stock-capacity figures and the daily slot generation job
    /// (configuration section "Slots": GenerateDaysAhead, CapacityFollowsStock, GenerateInBackground).</summary>
    public static IServiceCollection AddSlotManagement(this IServiceCollection services, IConfiguration configuration)
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
