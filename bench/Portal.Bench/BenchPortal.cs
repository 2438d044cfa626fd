using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portal.Bench;

/// <summary>(Any Portal type names the entry assembly; the bench has its own Program.) The real Portal on a loopback socket (Kestrel), with a fresh database and no demo data.</summary>
internal sealed class BenchPortal(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Portal.Identity.TokenService>
{
    /// <summary>Answered before the whole pipeline: what Kestrel and the client cost on their own.</summary>
    public const string RawPingPath = "/bench/ping";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Production, as the flash crowd would meet it: no developer exception page, no generated dev keys (the
        // bench passes its own), the SMS file gateway chosen explicitly.
        builder.UseEnvironment("Production");
        foreach (var (k, v) in settings)
            if (v is not null) builder.UseSetting(k, v);
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureServices(s => s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, RawPing>());
    }

    public string Start()
    {
        UseKestrel(0);
        StartServer();
        return Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1");
    }
}

/// <summary>Maps <see cref="BenchPortal.RawPingPath"/> ahead of the Portal's own middleware.</summary>
internal sealed class RawPing : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
    {
        app.Use(async (HttpContext ctx, RequestDelegate n) => { if (ctx.Request.Path == BenchPortal.RawPingPath) await ctx.Response.WriteAsync("ok"); else await n(ctx); });
        next(app);
    };
}
