using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Jobs;

namespace Portal.Core.Booking;

public static class BookingRegistration
{
    /// <summary>Booking, cancelling and rescheduling, the no-show policy ("Booking:NoShow"), the sold-out cache
    /// ("Booking:SoldOutCacheSeconds", default 2) and the maintenance jobs that mark no-shows and purge old
    /// idempotency records ("Booking:MaintenanceJob:Enabled", default true).</summary>
    public static IServiceCollection AddBooking(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NoShowPolicyOptions>().Bind(configuration.GetSection(NoShowPolicyOptions.SectionName));
        services.AddScoped<BookingService>();
        services.AddScoped<AppointmentService>();
        var ttl = configuration.GetValue<double?>("Booking:SoldOutCacheSeconds") ?? 2;
        services.AddSingleton(sp => new SoldOutCache(sp.GetRequiredService<TimeProvider>(), TimeSpan.FromSeconds(Math.Max(0, ttl))));
        if (configuration.GetValue("Booking:MaintenanceJob:Enabled", true))
            services.AddRecurringJob<NoShowJob>().AddRecurringJob<IdempotencyPurgeJob>();
        return services;
    }
}
