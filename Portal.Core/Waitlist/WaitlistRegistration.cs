using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Jobs;

namespace Portal.Core.Waitlist;

public static class WaitlistRegistration
{
    /// <summary>The scarce-vaccine waitlist: resident and staff services, and the job that expires offers and passes places on
    /// ("Waitlist:JobEnabled", default true).</summary>
    public static IServiceCollection AddWaitlist(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WaitlistOptions>().Bind(configuration.GetSection(WaitlistOptions.SectionName))
            .Validate(o => o.SameDayOfferHours is >= 1 and <= 48, "Waitlist:SameDayOfferHours must be 1 to 48")
            .Validate(o => o.ProcessIntervalSeconds is >= 1 and <= 3600, "Waitlist:ProcessIntervalSeconds must be 1 to 3600")
            .ValidateOnStart();
        services.AddScoped<WaitlistService>();
        services.AddScoped<AllocationService>();
        services.AddScoped<OfferExpiryService>();
        if (configuration.GetValue("Waitlist:JobEnabled", true))
            services.AddRecurringJob<OfferExpiryJob>();
        return services;
    }
}
