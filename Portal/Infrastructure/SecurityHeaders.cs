using Scalar.AspNetCore;

namespace Portal.Infrastructure;

/// <summary>The "ApiDocs" section: whether the OpenAPI document and its browsable reference are served. They describe
/// every route to whoever asks, so they are off by default outside Development.</summary>
public sealed class ApiDocsSettings
{
    public const string SectionName = "ApiDocs";
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/scalar";

    public bool Enabled { get; set; }
}

/// <summary>Response headers every answer carries, and the API reference switch.</summary>
public static class SecurityHeaders
{
    /// <summary>Console pages: everything from this site only (the console runs on networks without internet
    /// access, and nothing may load from elsewhere). Styles allow inline attributes because MudBlazor positions
    /// and colours components with style="..."; scripts do not, except the one inline script the page carries, the
    /// import map (<c>&lt;ImportMap /&gt;</c> in App.razor, which maps the fingerprinted script files), named by a nonce
    /// drawn afresh for every response. Its content changes with every build, so a hash could not be written down.</summary>
    public static string PagePolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    private static readonly object NonceKey = new();

    /// <summary>This response's script nonce (the same value the Content-Security-Policy header names).</summary>
    public static string ScriptNonce(HttpContext http)
    {
        if (http.Items.TryGetValue(NonceKey, out var existing) && existing is string nonce) return nonce;
        nonce = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        http.Items[NonceKey] = nonce;
        return nonce;
    }

    /// <summary>The API reference page configures itself with an inline script; it is served only where enabled.</summary>
    public const string ApiReferencePolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    /// <summary>JSON, files and everything else: nothing is to be rendered or framed.</summary>
    public const string OtherPolicy = "default-src 'none'; frame-ancestors 'none'";

    public static IServiceCollection AddSecurityHeaders(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var docs = new ApiDocsSettings { Enabled = environment.IsDevelopment() };
        configuration.GetSection(ApiDocsSettings.SectionName).Bind(docs);
        services.AddSingleton(docs);
        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = true;
            // A production host may well be reached by an internal name; HSTS is sent wherever the request was HTTPS.
            o.ExcludedHosts.Clear();
        });
        return services;
    }

    /// <summary>Call first: the headers go on every answer, error pages and 404s included.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.Use((http, next) =>
        {
            http.Response.OnStarting(static state =>
            {
                var response = ((HttpContext)state).Response;
                var headers = response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                headers.XFrameOptions = "DENY";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                var isHtml = response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;
                headers.ContentSecurityPolicy = !isHtml ? OtherPolicy
                    : response.HttpContext.Request.Path.StartsWithSegments(ApiDocsSettings.ReferencePath) ? ApiReferencePolicy
                    : PagePolicy(ScriptNonce(response.HttpContext));
                return Task.CompletedTask;
            }, http);
            return next(http);
        });
        return app;
    }

    /// <summary>The OpenAPI document and the Scalar reference, where "ApiDocs:Enabled" (default: Development only).</summary>
    public static WebApplication MapApiDocs(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<ApiDocsSettings>().Enabled) return app;
        app.MapOpenApi();
        app.MapScalarApiReference();
        return app;
    }
}
