using Portal.Core.Common;

namespace Portal.Core.Vaccines;

/// <summary>A production lot (批号) of a product, traceable to the maker and its batch release (批签发).</summary>
public class VaccineLot : Entity
{
    /// <summary>Batch numbers (批号) and traceability codes (追溯码).</summary>
    public const int CodeLength = 64;

    public long ProductId { get; set; }
    public VaccineProduct? Product { get; set; }
    public string BatchNumber { get; set; } = "";
    public DateOnly ExpiryDate { get; set; }
    /// <summary>药品追溯码 prefix of the lot's packs.</summary>
    public string TraceabilityCode { get; set; } = "";
    public string BatchReleaseCertificate { get; set; } = "";
    public DateOnly? ManufacturedOn { get; set; }
}

/// <summary>Doses of one lot held at one site. <see cref="OnHand"/> never goes negative (check constraint).</summary>
public class LotStock
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    public long LotId { get; set; }
    public VaccineLot? Lot { get; set; }
    public int OnHand { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum StockMovementKind
{
    Received = 1,
    Administered = 2,
    TransferredOut = 3,
    TransferredIn = 4,
    Wasted = 5,
    Adjusted = 6,
}

public class StockMovement
{
    public long Id { get; set; }
    public long SiteId { get; set; }
    public long LotId { get; set; }
    public StockMovementKind Kind { get; set; }
    public int Quantity { get; set; }
    public DateTimeOffset At { get; set; }
    public string? StaffUserId { get; set; }
    public long? InjectionId { get; set; }
    public string? Note { get; set; }
}
