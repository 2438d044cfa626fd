using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Portal.Core.Jobs;

/// <summary>One registered job: its type, resolved in a fresh scope for every run.</summary>
public sealed record RecurringJobRegistration(Type JobType);

/// <summary>Runs every registered <see cref="IRecurringJob"/> on its schedule, one loop per job: the one place that
/// waits, claims the occurrence, catches a failure and logs it (a failed run is retried at the next occurrence, never
/// in a tight loop), and stops with the host.</summary>
public sealed class RecurringJobHost(IEnumerable<RecurringJobRegistration> registrations, IServiceScopeFactory scopes, JobClaims claims,
    TimeProvider clock, ILogger<RecurringJobHost> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(registrations.Select(r => LoopAsync(r.JobType, stoppingToken)));

    private async Task LoopAsync(Type jobType, CancellationToken ct)
    {
        // The schedule may come from options, so ask a resolved instance once.
        string name;
        JobSchedule schedule;
        bool exclusive;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var job = (IRecurringJob)scope.ServiceProvider.GetRequiredService(jobType);
            (name, schedule, exclusive) = (job.Name, job.Schedule, job.OncePerOccurrence);
        }

        logger.LogInformation("Job {Job} runs {Schedule}", name, schedule);
        var occurrence = schedule.AtStartUp(clock.GetUtcNow());
        while (!ct.IsCancellationRequested)
        {
            if (occurrence is { } due)
            {
                var more = await RunAsync(jobType, name, exclusive, due, ct);
                if (more) continue;
            }

            var next = schedule.NextAfter(clock.GetUtcNow());
            try
            {
                var wait = next - clock.GetUtcNow();
                if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            occurrence = next;
        }
    }

    /// <returns>Whether the job asked to run again at once.</returns>
    private async Task<bool> RunAsync(Type jobType, string name, bool exclusive, DateTimeOffset occurrence, CancellationToken ct)
    {
        try
        {
            if (exclusive && !await claims.TryClaimAsync(name, occurrence, ct))
            {
                logger.LogDebug("Job {Job}: the {Occurrence:O} run is another instance's", name, occurrence);
                return false;
            }

            await using var scope = scopes.CreateAsyncScope();
            var result = await ((IRecurringJob)scope.ServiceProvider.GetRequiredService(jobType)).RunAsync(occurrence, ct);
            if (result.Summary is not null) logger.LogInformation("Job {Job}: {Summary}", name, result.Summary);
            return result.MoreWork && !exclusive;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e)
        {
            // Said loudly: a daily job's next chance is tomorrow.
            logger.LogError(e, "Job {Job} failed for its {Occurrence:O} run", name, occurrence);
            return false;
        }
    }
}

public static class RecurringJobServiceCollectionExtensions
{
    /// <summary>Registers <typeparamref name="TJob"/> to run on its schedule (and the host that runs every job, once).</summary>
    public static IServiceCollection AddRecurringJob<TJob>(this IServiceCollection services) where TJob : class, IRecurringJob
    {
        services.AddScoped<TJob>();
        services.AddSingleton(new RecurringJobRegistration(typeof(TJob)));
        if (!services.Any(d => d.ServiceType == typeof(JobClaims)))
        {
            services.AddSingleton<JobClaims>();
            services.AddHostedService<RecurringJobHost>();
        }

        return services;
    }
}
