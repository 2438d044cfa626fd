using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Portal.Core.Common;

namespace Portal.Api;

/// <summary>Marks an endpoint that the input rules guard (the security tests check that every API endpoint carries it).</summary>
public sealed class InputRulesMetadata
{
    public static readonly InputRulesMetadata Instance = new();
}

/// <summary>The most bytes a request body may have on an endpoint (the framework's own metadata type, so Kestrel's
/// per-request limit follows it too).</summary>
public sealed record RequestBodyLimit(long Bytes) : IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize => Bytes;
}

/// <summary>
/// One validation at the edge for every API request, before any handler or service runs: every string argument and
/// every string of a request body is checked and normalised by <see cref="TextRules"/> against the limit its DTO
/// declares (<see cref="TextInputAttribute"/>, taken from the entity's column length), every enum is one of its defined
/// values (a number such as 99 is not), and collections are bounded. Failures are one 400 with every field's bilingual
/// message. Request bodies are limited per route (<see cref="DefaultBodyLimit"/> unless the route says otherwise).
/// What gets here past the rules is still bounded by the data layer's <c>InputLimitsInterceptor</c>, which refuses to
/// store a value longer than its column on every provider.
/// </summary>
public static class InputRules
{
    /// <summary>JSON requests of the resident app and the PDA are small; routes that take images set their own limit.</summary>
    public const long DefaultBodyLimit = 64 * 1024;

    private const int MaxDepth = 4;
    private const int DefaultMaxItems = 100;
    private static readonly ConcurrentDictionary<Type, TypePlan?> TypePlans = new();

    /// <summary>Applies the rules and the default body limit to every endpoint of the group (and its sub-groups).</summary>
    public static RouteGroupBuilder WithInputRules(this RouteGroupBuilder group)
    {
        group.WithMetadata(InputRulesMetadata.Instance, new RequestBodyLimit(DefaultBodyLimit));
        group.AddEndpointFilterFactory(Create);
        return group;
    }

    public static TBuilder WithRequestBodyLimit<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestBodyLimit(bytes));

    /// <summary>
    /// Enforces the endpoint's <see cref="IRequestSizeLimitMetadata"/>: a declared Content-Length above it is answered
    /// 413 before the body is read; otherwise the server's own per-request limit is set where it has one (Kestrel), and
    /// the body is counted where it has not (in-process hosts), so a chunked body cannot get round it either.
    /// Call after routing has chosen the endpoint (i.e. anywhere after UseRouting or the implicit routing).
    /// </summary>
    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { MaxRequestBodySize: { } limit })
        {
            if (http.Request.ContentLength > limit)
                throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge);
            var feature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (feature is { IsReadOnly: false })
                feature.MaxRequestBodySize = limit;
            else if (feature is null)
                http.Request.Body = new LimitedReadStream(http.Request.Body, limit);
        }
        await next(http);
    });

    private static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var isService = context.ApplicationServices.GetService<IServiceProviderIsService>();
        var checks = context.MethodInfo.GetParameters()
            .Select((p, i) => (Index: i, Check: ForParameter(p, isService)))
            .Where(x => x.Check is not null)
            .ToArray();
        return invocation =>
        {
            List<FieldError>? errors = null;
            foreach (var (index, check) in checks)
            {
                var value = invocation.Arguments[index];
                var replaced = check!(value, ref errors);
                if (!ReferenceEquals(replaced, value)) invocation.Arguments[index] = replaced;
            }
            // .NET's number and date parsers ignore trailing NULs (?siteId=1%00 binds as 1), so a NUL is refused in every
            // query value, whatever it binds to; this is also why no endpoint goes without this filter.
            foreach (var (key, values) in invocation.HttpContext.Request.Query)
                if (values.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true) && errors?.Any(e => e.Field == key) != true)
                    (errors ??= []).Add(new FieldError(key, TextRules.InvalidCharacters));
            if (errors is { Count: > 0 }) throw new DomainValidationException(errors);
            return next(invocation);
        };
    }

    private delegate object? Check(object? value, ref List<FieldError>? errors);

    private static Check? ForParameter(ParameterInfo parameter, IServiceProviderIsService? isService)
    {
        var type = parameter.ParameterType;
        if (type == typeof(CancellationToken) || type == typeof(HttpContext) || type == typeof(ClaimsPrincipal)
            || type == typeof(HttpRequest) || type == typeof(HttpResponse)
            || parameter.GetCustomAttribute<FromServicesAttribute>() is not null
            || isService?.IsService(type) == true)
            return null;
        var name = parameter.GetCustomAttribute<FromQueryAttribute>()?.Name
            ?? parameter.GetCustomAttribute<FromRouteAttribute>()?.Name
            ?? parameter.GetCustomAttribute<FromHeaderAttribute>()?.Name
            ?? JsonNamingPolicy.CamelCase.ConvertName(parameter.Name ?? "value");
        if (parameter.GetCustomAttribute<AsParametersAttribute>() is not null)
            return PlanFor(type, isService, asParameters: true) is { } plan ? (object? v, ref List<FieldError>? e) => plan.Apply(v, "", ref e) : null;
        return ForValue(type, name, parameter.GetCustomAttribute<TextInputAttribute>() ?? TextRules.DefaultParameter,
            parameter.GetCustomAttribute<MaxItemsAttribute>(), isService, depth: 0);
    }

    /// <summary>The check of one value of <paramref name="type"/> reported as <paramref name="field"/>, or null when
    /// nothing about the type needs checking.</summary>
    private static Check? ForValue(Type type, string field, TextInputAttribute? text, MaxItemsAttribute? items,
        IServiceProviderIsService? isService, int depth)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
        {
            var rule = text ?? TextRules.DefaultParameter;
            return (object? v, ref List<FieldError>? e) =>
            {
                if (TextRules.Check((string?)v, rule, out var normalized) is { } error)
                {
                    (e ??= []).Add(new FieldError(field, error));
                    return v;
                }
                return normalized;
            };
        }
        if (underlying.IsEnum)
            return (object? v, ref List<FieldError>? e) =>
            {
                if (v is not null && !Enum.IsDefined(underlying, v))
                    (e ??= []).Add(new FieldError(field, new Bilingual("不是允许的取值", "Not one of the allowed values")));
                return v;
            };
        if (underlying == typeof(JsonElement))
        {
            var rule = text ?? new TextInputAttribute(1024, TextKind.MultiLine);
            return (object? v, ref List<FieldError>? e) =>
            {
                if (v is JsonElement element) CheckJson(element, field, rule, depth, ref e);
                return v;
            };
        }
        if (typeof(IDictionary).IsAssignableFrom(underlying) && underlying.IsGenericType
            && underlying.GetGenericArguments() is [var keyType, var valueType] && keyType == typeof(string))
        {
            var max = items?.Count ?? DefaultMaxItems;
            var valueCheck = ForValue(valueType, field, text, null, isService, depth + 1);
            var keyRule = new TextInputAttribute(64, TextKind.Code);
            return (object? v, ref List<FieldError>? e) =>
            {
                if (v is not IDictionary dictionary) return v;
                if (dictionary.Count > max)
                {
                    (e ??= []).Add(new FieldError(field, TooMany(max)));
                    return v;
                }
                foreach (DictionaryEntry entry in dictionary)
                {
                    var key = (string)entry.Key;
                    if (TextRules.Check(key, keyRule, out _) is { } error)
                    {
                        (e ??= []).Add(new FieldError($"{field}.{TextRules.Prefix(key, 32)}", error));
                        continue;
                    }
                    // Values are checked, not rewritten: a dictionary is not changed while it is enumerated.
                    valueCheck?.Invoke(entry.Value, ref e);
                }
                return v;
            };
        }
        if (underlying != typeof(string) && typeof(IEnumerable).IsAssignableFrom(underlying))
        {
            var elementType = underlying.IsArray ? underlying.GetElementType()
                : underlying.GetInterfaces().Append(underlying)
                    .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
            if (elementType is null) return null;
            var max = items?.Count ?? DefaultMaxItems;
            var elementCheck = ForValue(elementType, field, text, null, isService, depth + 1);
            return (object? v, ref List<FieldError>? e) =>
            {
                if (v is not IEnumerable sequence) return v;
                var count = 0;
                foreach (var item in sequence)
                {
                    if (++count > max)
                    {
                        (e ??= []).Add(new FieldError(field, TooMany(max)));
                        break;
                    }
                    elementCheck?.Invoke(item, ref e);
                }
                return v;
            };
        }
        if (depth < MaxDepth && PlanFor(underlying, isService, asParameters: false) is { } plan)
            return (object? v, ref List<FieldError>? e) => plan.Apply(v, field, ref e);
        return null;
    }

    /// <summary>Request DTOs are our own records and classes; anything else (framework types, services) is left alone.</summary>
    private static TypePlan? PlanFor(Type type, IServiceProviderIsService? isService, bool asParameters) =>
        !type.IsClass || type.Assembly.GetName().Name?.StartsWith("Portal", StringComparison.Ordinal) != true || isService?.IsService(type) == true
            ? null
            : TypePlans.GetOrAdd(type, t => TypePlan.Build(t, isService, asParameters));

    private static void CheckJson(JsonElement element, string field, TextInputAttribute rule, int depth, ref List<FieldError>? errors)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                var error = TryGetString(element, out var text) ? TextRules.Check(text, rule, out _) : TextRules.InvalidCharacters;
                if (error is not null) (errors ??= []).Add(new FieldError(field, error));
                break;
            case JsonValueKind.Array when depth < MaxDepth:
                var n = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (++n > DefaultMaxItems) { (errors ??= []).Add(new FieldError(field, TooMany(DefaultMaxItems))); break; }
                    CheckJson(item, field, rule, depth + 1, ref errors);
                }
                break;
            case JsonValueKind.Object when depth < MaxDepth:
                var m = 0;
                foreach (var property in element.EnumerateObject())
                {
                    if (++m > DefaultMaxItems) { (errors ??= []).Add(new FieldError(field, TooMany(DefaultMaxItems))); break; }
                    CheckJson(property.Value, field, rule, depth + 1, ref errors);
                }
                break;
            case JsonValueKind.Array or JsonValueKind.Object:
                (errors ??= []).Add(new FieldError(field, new Bilingual("嵌套层次过深", "Nested too deeply")));
                break;
        }
    }

    /// <summary>Reads a JSON string; false for one whose escapes hold a lone surrogate ("\ud800"), which parses as a
    /// JsonElement but throws when read as a string.</summary>
    private static bool TryGetString(JsonElement element, out string? text)
    {
        try
        {
            text = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    private static Bilingual TooMany(int max) => new($"最多{max}项", $"At most {max} items");

    /// <summary>The checks of a DTO's public settable properties (positional records' init accessors included), with the
    /// JSON (camelCase) or query names the caller used.</summary>
    private sealed class TypePlan(List<(PropertyInfo Property, string Name, Check Check)> members)
    {
        public static TypePlan? Build(Type type, IServiceProviderIsService? isService, bool asParameters)
        {
            var constructorParameters = type.GetConstructors().SelectMany(c => c.GetParameters())
                .GroupBy(p => p.Name ?? "", StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
            var members = new List<(PropertyInfo, string, Check)>();
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length > 0 || !property.CanRead) continue;
                if (asParameters && isService?.IsService(property.PropertyType) == true) continue;
                constructorParameters.TryGetValue(property.Name, out var parameter);
                T? Attribute<T>() where T : Attribute => property.GetCustomAttribute<T>() ?? parameter?.GetCustomAttribute<T>();
                var name = Attribute<FromQueryAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                var check = ForValue(property.PropertyType, name, Attribute<TextInputAttribute>(), Attribute<MaxItemsAttribute>(), isService, depth: 1);
                if (check is not null) members.Add((property, name, check));
            }
            return members.Count == 0 ? null : new TypePlan(members);
        }

        public object? Apply(object? value, string prefix, ref List<FieldError>? errors)
        {
            if (value is null) return null;
            foreach (var (property, name, check) in members)
            {
                var current = property.GetValue(value);
                var nested = errors;
                var replaced = check(current, ref nested);
                errors = nested;
                // Normalised text is written back (init accessors of records accept it through reflection).
                if (!ReferenceEquals(replaced, current) && property.CanWrite) property.SetValue(value, replaced);
            }
            return value;
        }
    }

    /// <summary>Counts the bytes read and fails the request with 413 past the limit. A seekable body (one another
    /// middleware buffered so that it can be read twice) stays seekable; it is its furthest position that counts.</summary>
    private sealed class LimitedReadStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.CanSeek ? inner.Position : _read; set => inner.Position = value; }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            _read = inner.CanSeek ? Math.Max(_read, inner.Position) : _read + read;
            if (_read > limit)
                throw new BadHttpRequestException("The request body is too large.", StatusCodes.Status413PayloadTooLarge);
            return read;
        }
    }
}
