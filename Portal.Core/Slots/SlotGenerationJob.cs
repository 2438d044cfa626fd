using Portal.Core.Jobs;

namespace Portal.Core.Slots;

/// <summary>Generates slots from templates every day at <see cref="RunTime"/> China time (and at start-up if today's run
/// is due and no instance did it). The work is <see cref="SlotGenerator"/>, which tests call directly.</summary>
public sealed class SlotGenerationJob(SlotGenerator generator) : IRecurringJob
{
    /// <summary>Just after midnight, so that the new last day is there when residents wake up.</summary>
    public static readonly TimeOnly RunTime = new(0, 15);

    public string Name => "slots.generate";

    public JobSchedule Schedule { get; } = JobSchedule.DailyAt(RunTime);

    public async Task<JobResult> RunAsync(DateTimeOffset occurrence, CancellationToken ct)
    {
        var created = await generator.GenerateAsync(ct: ct);
        return created > 0 ? new($"generated {created} slots from templates") : JobResult.Nothing;
    }
}
