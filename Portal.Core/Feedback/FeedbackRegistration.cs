using Microsoft.Extensions.DependencyInjection;

namespace Portal.Core.Feedback;

public static class FeedbackRegistration
{
    /// <summary>Residents' feedback and its handling.</summary>
    public static IServiceCollection AddFeedback(this IServiceCollection services)
    {
        services.AddScoped<FeedbackService>();
        return services;
    }
}
