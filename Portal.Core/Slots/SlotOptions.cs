namespace Portal.Core.Slots;

/// <summary>Configuration section "Slots".</summary>
public sealed class SlotOptions
{
    public const string Section = "Slots";

    /// <summary>Slots are generated from templates for today and this many days ahead.</summary>
    public int GenerateDaysAhead { get; set; } = 14;

    /// <summary>When true, the generator caps new slots so that open places never exceed the site's
    /// bookable first doses (see <see cref="StockCapacityService"/>).</summary>
    public bool CapacityFollowsStock { get; set; } = true;
}
