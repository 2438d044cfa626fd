using Portal.Core.Common;
using System.Globalization;
using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Portal.Api;

public sealed class TokenBucketSettings
{
    public int TokenLimit { get; set; }
    public int TokensPerPeriod { get; set; }
    public double PeriodSeconds { get; set; } = 1;
}

public sealed class SlidingWindowSettings
{
    public int PermitLimit { get; set; }
    public double WindowSeconds { get; set; } = 60;
    public int SegmentsPerWindow { get; set; } = 6;
}

/// <summary>The "RateLimits" section. Defaults hold a 100k-resident flash crowd: each token may try to book
/// about once a second (a burst of 5), each IP 50 a second (a burst of 100: carrier NAT puts many phones behind one IP).</summary>
public sealed class RateLimitSettings
{
    public const string SectionName = "RateLimits";

    public bool Enabled { get; set; } = true;
    public TokenBucketSettings BookingPerToken { get; set; } = new() { TokenLimit = 5, TokensPerPeriod = 1 };
    public TokenBucketSettings BookingPerIp { get; set; } = new() { TokenLimit = 100, TokensPerPeriod = 50 };
    public SlidingWindowSettings SmsPerIp { get; set; } = new() { PermitLimit = 10 };
    public SlidingWindowSettings LoginPerIp { get; set; } = new() { PermitLimit = 20 };
}

public static class RateLimitPolicies
{
    /// <summary>Token bucket per resident token (JWT "sub"); the per-IP bucket comes with it (<see cref="RateLimitingExtensions.RequireBookingRateLimits"/>).</summary>
    public const string BookingPerToken = "booking-per-token";
    public const string SmsPerIp = "sms-per-ip";
    public const string LoginPerIp = "login-per-ip";
}

/// <summary>Marks an endpoint for the per-IP booking bucket, which the global limiter applies.</summary>
public sealed class BookingPerIpLimitMetadata
{
    public static readonly BookingPerIpLimitMetadata Instance = new();
}

/// <summary>Rate limits of the resident API, answered 429 with Retry-After and a bilingual ProblemDetails, never 503.
/// Requests without a remote IP (the in-process test host) are not IP-limited; under Kestrel every request has one.</summary>
public static class RateLimitingExtensions
{
    public static IServiceCollection AddResidentRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitSettings>().Bind(configuration.GetSection(RateLimitSettings.SectionName));
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitSettings>>((options, settings) => Configure(options, settings.Value));
        return services;
    }

    /// <summary>Token bucket per token and per IP.</summary>
    public static RouteHandlerBuilder RequireBookingRateLimits(this RouteHandlerBuilder builder) =>
        builder.RequireRateLimiting(RateLimitPolicies.BookingPerToken).WithMetadata(BookingPerIpLimitMetadata.Instance)
            .ProducesErrors(CommonErrors.RateLimited);

    private static void Configure(RateLimiterOptions options, RateLimitSettings s)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = (context, ct) => OnRejectedAsync(context, s, ct);
        if (!s.Enabled)
        {
            options.AddPolicy(RateLimitPolicies.BookingPerToken, _ => RateLimitPartition.GetNoLimiter(""));
            options.AddPolicy(RateLimitPolicies.SmsPerIp, _ => RateLimitPartition.GetNoLimiter(""));
            options.AddPolicy(RateLimitPolicies.LoginPerIp, _ => RateLimitPartition.GetNoLimiter(""));
            return;
        }

        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            http.GetEndpoint()?.Metadata.GetMetadata<BookingPerIpLimitMetadata>() is not null && Ip(http) is { } ip
                ? RateLimitPartition.GetTokenBucketLimiter("booking-ip:" + ip, _ => Bucket(s.BookingPerIp))
                : RateLimitPartition.GetNoLimiter(""));
        options.AddPolicy(RateLimitPolicies.BookingPerToken, http =>
            http.User.FindFirstValue(JwtRegisteredClaimNames.Sub) is { } sub
                ? RateLimitPartition.GetTokenBucketLimiter("sub:" + sub, _ => Bucket(s.BookingPerToken))
                : RateLimitPartition.GetNoLimiter(""));
        options.AddPolicy(RateLimitPolicies.SmsPerIp, http => PerIp(http, s.SmsPerIp));
        options.AddPolicy(RateLimitPolicies.LoginPerIp, http => PerIp(http, s.LoginPerIp));
    }

    private static string? Ip(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();

    private static RateLimitPartition<string> PerIp(HttpContext http, SlidingWindowSettings w) =>
        Ip(http) is { } ip
            ? RateLimitPartition.GetSlidingWindowLimiter(ip, _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, w.PermitLimit),
                Window = TimeSpan.FromSeconds(Math.Max(1, w.WindowSeconds)),
                SegmentsPerWindow = Math.Max(1, w.SegmentsPerWindow),
                QueueLimit = 0,
            })
            : RateLimitPartition.GetNoLimiter("");

    private static TokenBucketRateLimiterOptions Bucket(TokenBucketSettings b) => new()
    {
        TokenLimit = Math.Max(1, b.TokenLimit),
        TokensPerPeriod = Math.Max(1, b.TokensPerPeriod),
        ReplenishmentPeriod = TimeSpan.FromSeconds(b.PeriodSeconds > 0 ? b.PeriodSeconds : 1),
        QueueLimit = 0,
        // The partitioned limiter's own 100 ms heartbeat replenishes every bucket. With AutoReplenishment each
        // bucket owns a timer: a flash crowd of 100k tokens means 100k timers firing every period.
        AutoReplenishment = false,
    };

    /// <summary>When the limiter gives no retry time (sliding windows do not), the honest answer is the policy's whole
    /// window or period: by then every permit taken inside it has expired.</summary>
    private static TimeSpan FallbackRetryAfter(HttpContext http, RateLimitSettings s) =>
        http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName switch
        {
            RateLimitPolicies.SmsPerIp => TimeSpan.FromSeconds(Math.Max(1, s.SmsPerIp.WindowSeconds)),
            RateLimitPolicies.LoginPerIp => TimeSpan.FromSeconds(Math.Max(1, s.LoginPerIp.WindowSeconds)),
            RateLimitPolicies.BookingPerToken => TimeSpan.FromSeconds(s.BookingPerToken.PeriodSeconds > 0 ? s.BookingPerToken.PeriodSeconds : 1),
            _ => TimeSpan.FromSeconds(s.BookingPerIp.PeriodSeconds > 0 ? s.BookingPerIp.PeriodSeconds : 1),
        };

    private static async ValueTask OnRejectedAsync(OnRejectedContext context, RateLimitSettings settings, CancellationToken ct)
    {
        var http = context.HttpContext;
        var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var given) && given > TimeSpan.Zero
            ? given : FallbackRetryAfter(http, settings);
        var seconds = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problem = ProblemWriter.Create(CommonErrors.RateLimited, CommonErrors.RateLimited.Message(seconds), [new("retryAfterSeconds", seconds)]);
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem }))
            await http.Response.WriteAsJsonAsync(problem, ct);
    }
}
