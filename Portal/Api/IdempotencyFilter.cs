using System.IdentityModel.Tokens.Jwt;
using System.Runtime.ExceptionServices;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Booking;
using Portal.Core.Common;

namespace Portal.Api;

/// <summary>
/// <c>Idempotency-Key</c> on state-changing resident endpoints, by Stripe's rules. The header is optional.
/// Keys are scoped to the signed-in account, the method and the route; the first request with a key stores
/// its answer (2xx and 4xx only: a 5xx may be retried) for 24 hours. The same key with the same request
/// replays that answer with <c>Idempotent-Replayed: true</c>; with another request it is 422; while the first
/// is still running it is 409. A placeholder row is inserted before the handler runs, so the unique
/// (Scope, Key) index decides which of two concurrent duplicates runs.
/// Add it with <see cref="IdempotencyExtensions.WithIdempotency"/>.
/// </summary>
public sealed class IdempotencyFilter : IEndpointFilter
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>A placeholder older than this belongs to a request that died (crash, restart) and may be taken over.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(1);

    // Column sizes of IdempotencyRecord (Scope, Key); longer values are stored as their SHA-256.
    private const int MaxStoredLength = 128;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!http.Request.Headers.TryGetValue(HeaderName, out var values)) return await next(context);
        var key = values.ToString();
        if (values.Count != 1 || key.Length is 0 or > MaxKeyLength)
            throw new DomainValidationException(HeaderName, new($"Idempotency-Key 须为1至{MaxKeyLength}个字符", $"Idempotency-Key must be 1 to {MaxKeyLength} characters"));
        // Keys belong to an account; an anonymous caller has none to scope them to, so the header is ignored.
        var account = http.User.FindFirstValue(JwtRegisteredClaimNames.Sub);
        if (account is null) return await next(context);

        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? "";
        var scope = Shorten($"{account}|{http.Request.Method}|{route}");
        var storedKey = Shorten(key);
        var hash = await RequestHashAsync(http.Request);
        var contexts = http.RequestServices.GetRequiredService<IDbContextFactory<DbContext>>();
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();

        for (var attempt = 0; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(http.RequestAborted);
            var existing = await db.Set<IdempotencyRecord>().AsNoTracking()
                .FirstOrDefaultAsync(r => r.Scope == scope && r.Key == storedKey, http.RequestAborted);
            var now = clock.GetUtcNow();
            if (existing is not null)
            {
                var stale = existing.ExpiresAt <= now || (existing.StatusCode == 0 && existing.CreatedAt + AbandonedAfter <= now);
                if (!stale) return Answer(http, existing, hash);
                await db.Set<IdempotencyRecord>().Where(r => r.Id == existing.Id && r.StatusCode == existing.StatusCode)
                    .ExecuteDeleteAsync(http.RequestAborted);
            }

            var record = new IdempotencyRecord { Scope = scope, Key = storedKey, RequestHash = hash, CreatedAt = now, ExpiresAt = now + Retention };
            db.Add(record);
            try
            {
                await db.SaveChangesAsync(http.RequestAborted);
            }
            catch (DbUpdateException) when (attempt < 2)
            {
                continue; // Someone else inserted the same key first: answer from their row.
            }
            return await RunAndStoreAsync(context, next, contexts, record.Id);
        }
    }

    private static object Answer(HttpContext http, IdempotencyRecord existing, string hash)
    {
        if (existing.RequestHash != hash)
            return ProblemWriter.Result(BookingErrors.IdempotencyKeyReused);
        if (existing.StatusCode == 0)
            return ProblemWriter.Result(BookingErrors.IdempotencyInFlight);
        return new ReplayResult(existing.StatusCode, existing.ResponseBody);
    }

    private static async Task<object?> RunAndStoreAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next,
        IDbContextFactory<DbContext> contexts, long recordId)
    {
        var http = context.HttpContext;
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        ExceptionDispatchInfo? failure = null;
        try
        {
            var result = await next(context);
            if (result is IResult r) await r.ExecuteAsync(http);
            else if (result is not null) await http.Response.WriteAsJsonAsync(result, result.GetType(), http.RequestAborted);
        }
        catch (Exception e)
        {
            // Domain errors become ProblemDetails here, through the app's own handlers, so that their 4xx can be stored.
            var handled = false;
            foreach (var handler in http.RequestServices.GetServices<IExceptionHandler>())
                if (handled = await handler.TryHandleAsync(http, e, http.RequestAborted)) break;
            if (!handled) failure = ExceptionDispatchInfo.Capture(e);
        }
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
        http.Response.Body = original;

        var status = http.Response.StatusCode;
        var body = buffer.ToArray();
        await using (var db = await contexts.CreateDbContextAsync(CancellationToken.None))
        {
            var records = db.Set<IdempotencyRecord>().Where(r => r.Id == recordId);
            if (failure is null && status is >= 200 and < 300 or >= 400 and < 500)
            {
                var text = Encoding.UTF8.GetString(body);
                await records.ExecuteUpdateAsync(s => s.SetProperty(x => x.StatusCode, status).SetProperty(x => x.ResponseBody, text), CancellationToken.None);
            }
            else
            {
                await records.ExecuteDeleteAsync(CancellationToken.None);
            }
        }
        failure?.Throw();
        if (body.Length > 0) await original.WriteAsync(body, http.RequestAborted);
        return Results.Empty;
    }

    /// <summary>SHA-256 of method, path and query, and the raw body (buffered for requests with the header).</summary>
    private static async Task<string> RequestHashAsync(HttpRequest request)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        if (request.Body.CanSeek)
        {
            request.Body.Position = 0;
            var chunk = new byte[8192];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
                sha.AppendData(chunk, 0, read);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static string Shorten(string value) =>
        value.Length <= MaxStoredLength ? value : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private sealed class ReplayResult(int status, string body) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = status;
            http.Response.Headers[ReplayedHeader] = "true";
            if (body.Length == 0) return;
            http.Response.ContentType = status >= 400 ? "application/problem+json" : "application/json; charset=utf-8";
            await http.Response.WriteAsync(body, http.RequestAborted);
        }
    }
}

public static class IdempotencyExtensions
{
    /// <summary>Honours the Idempotency-Key header on this endpoint (see <see cref="IdempotencyFilter"/>).</summary>
    public static RouteHandlerBuilder WithIdempotency(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<IdempotencyFilter>().ProducesErrors(BookingErrors.IdempotencyKeyReused, BookingErrors.IdempotencyInFlight);

    /// <summary>Buffers the body of requests that carry the header, so the filter can hash the raw body after binding read it.</summary>
    internal sealed class BufferingStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                if (http.Request.Headers.ContainsKey(IdempotencyFilter.HeaderName)) http.Request.EnableBuffering();
                return nextMiddleware(http);
            });
            next(app);
        };
    }
}
