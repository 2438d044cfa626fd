using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Portal.Core.Common;

namespace Portal.Api;

/// <summary>Every API error is ProblemDetails, in Chinese and English, with field-level messages where a
/// field is at fault. Domain exceptions become 4xx; malformed JSON and wrong types become 400, never 500.</summary>
public sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        ProblemDetails? problem = exception switch
        {
            DomainValidationException v => new HttpValidationProblemDetails(v.ToDictionary())
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "输入有误 (The request has invalid fields)",
                Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            },
            DomainProblemException p => ProblemWriter.Create(p),
            BadHttpRequestException b => BadRequest(b, http),
            _ => null,
        };
        if (problem is null) return false;
        if (exception is DomainProblemException { RetryAfter: { } retry })
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString();
        http.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    private ProblemDetails BadRequest(BadHttpRequestException b, HttpContext http)
    {
        logger.LogDebug(b, "Bad request");
        var field = b.InnerException is JsonException { Path: { Length: > 0 } path } ? path.TrimStart('$', '.') : ParameterName(b, http) ?? "body";
        var message = b.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? new Bilingual("请求内容过大", "The request body is too large")
            : b.InnerException is JsonException
                ? new Bilingual("请求内容不是有效的JSON，或字段类型不正确", "The body is not valid JSON or a field has the wrong type")
                : new Bilingual("请求参数有误", "A request parameter is missing or has the wrong type");
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field.Length == 0 ? "body" : field] = [message.ToString()] })
        {
            Status = b.StatusCode == StatusCodes.Status413PayloadTooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
            Title = message.ToString(),
            Detail = b.Message,
        };
    }

    /// <summary>The parameter a binding failure is about, as the caller spelled it: the framework names it only in its
    /// message ("Failed to bind parameter "long? siteId" from "abc"."), by its CLR name ([AsParameters] properties are
    /// PascalCase), so the query key it matches case-insensitively is preferred.</summary>
    private static string? ParameterName(BadHttpRequestException b, HttpContext http)
    {
        if (BindingMessage().Match(b.Message) is not { Success: true } match) return null;
        var name = match.Groups["name"].Value;
        return http.Request.Query.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
            ?? JsonNamingPolicy.CamelCase.ConvertName(name);
    }

    // A missing body ("... was not provided from body.") stays "body": the name of the handler's argument means nothing to a caller.
    [GeneratedRegex("^(?:Failed to bind parameter \"[^\"]* (?<name>[^ \"]+)\" from|Required parameter \"[^\"]* (?<name>[^ \"]+)\" was not provided from (?!body))")]
    private static partial Regex BindingMessage();
}

public static class ApiProblemsExtensions
{
    public static IServiceCollection AddApiProblems(this IServiceCollection services)
    {
        // Framework answers (415, 405, 404 of an unknown route, 401/403 of the authorization middleware, 500) come
        // through here as well, via the status-code pages of machine endpoints: they get the same bilingual shape.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx => FrameworkProblems.Complete(ctx.ProblemDetails));
        services.AddExceptionHandler<ApiExceptionHandler>();
        // Binding failures throw in every environment so the handler above can answer them in full.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        return services;
    }

    /// <summary>Requests answered with status codes and ProblemDetails rather than console pages.</summary>
    public static bool IsMachineEndpoint(this HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/hubs")
        || request.Path.StartsWithSegments("/exports") || request.Path.StartsWithSegments("/openapi") || request.Path.StartsWithSegments("/health");

    /// <summary>The caller's IP for limits and audit (X-Forwarded-For is honoured by the forwarded-headers middleware).</summary>
    public static string? ClientIp(this HttpContext http) => http.Connection.RemoteIpAddress?.ToString();
}

/// <summary>Bilingual titles and stable codes for the answers the framework gives by itself (no domain error behind
/// them), so that a 415 or a 405 reads like every other error of the API.</summary>
public static class FrameworkProblems
{
    private static readonly Dictionary<int, (string Code, Bilingual Title)> ByStatus = new()
    {
        [StatusCodes.Status400BadRequest] = ("bad_request", new("请求有误", "The request is not valid")),
        [StatusCodes.Status401Unauthorized] = ("unauthorized", new("请先登录", "Sign in first")),
        [StatusCodes.Status403Forbidden] = ("forbidden", new("无权访问", "You may not do this")),
        [StatusCodes.Status404NotFound] = ("not_found", new("未找到", "Not found")),
        [StatusCodes.Status405MethodNotAllowed] = ("method_not_allowed", new("不支持该请求方法", "This method is not allowed here")),
        [StatusCodes.Status406NotAcceptable] = ("not_acceptable", new("无法提供所要求的格式", "The requested format cannot be produced")),
        [StatusCodes.Status409Conflict] = ("conflict", new("请求与当前状态冲突", "The request conflicts with the current state")),
        [StatusCodes.Status413PayloadTooLarge] = ("payload_too_large", new("请求内容过大", "The request body is too large")),
        [StatusCodes.Status415UnsupportedMediaType] = ("unsupported_media_type",
            new("不支持的内容类型，请使用 application/json", "Unsupported content type: send application/json")),
        [StatusCodes.Status429TooManyRequests] = ("rate_limited", new("请求过于频繁，请稍后重试", "Too many requests: retry later")),
        [StatusCodes.Status500InternalServerError] = ("server_error", new("服务器内部错误，请稍后重试", "Internal server error: please try again later")),
        [StatusCodes.Status503ServiceUnavailable] = ("unavailable", new("服务暂时不可用", "The service is temporarily unavailable")),
    };

    /// <summary>Fills in what a framework-made ProblemDetails lacks; domain problems, which carry a code, are left as they are.</summary>
    public static void Complete(ProblemDetails problem)
    {
        if (problem.Extensions.ContainsKey("code") || problem.Status is not { } status) return;
        if (!ByStatus.TryGetValue(status, out var known))
            known = (status >= 500 ? "server_error" : "bad_request", status >= 500 ? ByStatus[500].Title : ByStatus[400].Title);
        // The framework's own titles are English reason phrases; validation problems keep their (bilingual) title.
        if (problem is not HttpValidationProblemDetails || string.IsNullOrEmpty(problem.Title))
        {
            problem.Title = known.Title.ToString();
            problem.Detail ??= known.Title.En;
        }
        problem.Extensions["code"] = known.Code;
        problem.Extensions["titleZh"] = known.Title.Zh;
        problem.Extensions["titleEn"] = known.Title.En;
    }
}
