namespace Portal.Core.Common;

/// <summary>Stamped by the data layer's audit interceptor from <see cref="TimeProvider"/>.</summary>
public interface IAuditable
{
    DateTimeOffset CreatedAt { get; set; }
    DateTimeOffset? UpdatedAt { get; set; }
}

public abstract class Entity : IAuditable
{
    public long Id { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }
}
