namespace Portal.Dashboard;

/// <summary>Section "Live" of the configuration.</summary>
public sealed class LiveOptions
{
    public const string Section = "Live";

    /// <summary>"Redis:Configuration": a StackExchange.Redis connection string. When set, injections recorded on one
    /// instance refresh every instance's screens and hub clients (each instance serves its own connections).</summary>
    public const string RedisConfigurationKey = "Redis:Configuration";

    /// <summary>Redis channel on which instances tell each other about the injections they record.</summary>
    public const string RedisInjectionChannel = "blazorvax:injections";

    /// <summary>Redis channel on which an instance tells the others that it edited the vaccine catalogue.</summary>
    public const string RedisCatalogueChannel = "blazorvax:catalogue";

    /// <summary>A burst of injections causes at most one recompute per interval (default 500 ms); an
    /// injection is reflected within this interval plus the time of one or two recomputes.</summary>
    public TimeSpan MinRecomputeInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Recompute even without injections (midnight rollover, back-dated entries). Default one
    /// minute; zero turns it off.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}
