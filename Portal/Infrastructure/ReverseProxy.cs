using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Portal.Infrastructure;

/// <summary>The "ReverseProxy" section: which proxies in front of the portal may tell it the client's address.</summary>
public sealed class ReverseProxySettings
{
    public const string SectionName = "ReverseProxy";

    /// <summary>Addresses of trusted proxies (load balancer, nginx), e.g. "10.0.0.5".</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Trusted proxy networks in CIDR form, e.g. "10.0.0.0/24".</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies to walk back through X-Forwarded-For.</summary>
    public int ForwardLimit { get; set; } = 1;

    public bool IsConfigured => KnownProxies.Count > 0 || KnownNetworks.Count > 0;
}

/// <summary>
/// Behind a proxy every request comes from the proxy's address, so the per-IP rate limits would put the whole city
/// in one bucket and audit entries would name the proxy. With trusted proxies configured, X-Forwarded-For and
/// X-Forwarded-Proto from those proxies (and only those: anyone else could forge the header) become the request's
/// client address and scheme, before authentication, rate limiting and auditing read them. Without configuration
/// nothing is trusted and the headers are ignored.
/// </summary>
public static class ReverseProxyExtensions
{
    public static IServiceCollection AddReverseProxySupport(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(ReverseProxySettings.SectionName).Get<ReverseProxySettings>() ?? new ReverseProxySettings();
        services.AddSingleton(settings);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = Math.Max(1, settings.ForwardLimit);
            // Only what is configured: not even loopback is trusted by default.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in settings.KnownProxies)
                o.KnownProxies.Add(IPAddress.TryParse(proxy, out var ip) ? ip
                    : throw new InvalidOperationException($"ReverseProxy:KnownProxies has \"{proxy}\", which is not an IP address."));
            foreach (var network in settings.KnownNetworks)
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var n) ? n
                    : throw new InvalidOperationException($"ReverseProxy:KnownNetworks has \"{network}\", which is not a CIDR network such as 10.0.0.0/24."));
        });
        return services;
    }

    /// <summary>Call first, before anything reads the client address.</summary>
    public static WebApplication UseReverseProxySupport(this WebApplication app)
    {
        if (app.Services.GetRequiredService<ReverseProxySettings>().IsConfigured)
            app.UseForwardedHeaders();
        return app;
    }
}
