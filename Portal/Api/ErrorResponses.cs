using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Portal.Core.Common;

namespace Portal.Api;

/// <summary>The catalogue errors (<see cref="DomainError"/>) an endpoint can answer, as endpoint metadata. The endpoint's
/// problem responses and the OpenAPI document's error codes are both made from it, so what the document promises and what
/// the code throws are named in one place: the catalogue member.</summary>
public sealed class ProducesErrorsMetadata(IReadOnlyList<DomainError> errors)
{
    public IReadOnlyList<DomainError> Errors { get; } = errors;
}

public static class ErrorResponses
{
    /// <summary>The OpenAPI extension on each operation (and on each of its problem responses) that lists its codes.</summary>
    public const string Extension = "x-error-codes";

    /// <summary>Declares the catalogue errors the endpoint can answer; each one's status becomes a ProblemDetails response.
    /// Every API endpoint declares its list, an empty one included (<c>ProducesErrors()</c>: no domain error, only
    /// validation or the framework's own answers), so that a test can tell "none" from "forgotten".</summary>
    public static TBuilder ProducesErrors<TBuilder>(this TBuilder builder, params DomainError[] errors) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new ProducesErrorsMetadata(errors));
        // Finally: after every other convention (ProducesProblem, ProducesValidationProblem), so a status already
        // described is not added twice.
        builder.Finally(endpoint =>
        {
            foreach (var status in errors.Select(e => ProblemWriter.StatusOf(e.Kind)).Distinct())
                if (!endpoint.Metadata.OfType<IProducesResponseTypeMetadata>().Any(m => m.StatusCode == status))
                    endpoint.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"]));
        });
        return builder;
    }

    /// <summary>Writes each operation's declared errors into the document: <c>x-error-codes</c> on the operation
    /// (status, code, titleZh, titleEn; the messages as the catalogue holds them, placeholders included), and on each
    /// problem response its own codes, also listed in the response's description for readers of the rendered document.</summary>
    public static OpenApiOptions AddErrorResponses(this OpenApiOptions options)
    {
        options.AddOperationTransformer((operation, context, _) =>
        {
            var declared = context.Description.ActionDescriptor.EndpointMetadata.OfType<ProducesErrorsMetadata>().ToList();
            if (declared.Count == 0) return Task.CompletedTask;
            var errors = declared.SelectMany(m => m.Errors).Distinct()
                .OrderBy(e => ProblemWriter.StatusOf(e.Kind)).ThenBy(e => e.Code, StringComparer.Ordinal).ToList();
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions[Extension] = new JsonNodeExtension(Listing(errors));
            foreach (var byStatus in errors.GroupBy(e => ProblemWriter.StatusOf(e.Kind)))
            {
                if (operation.Responses?.GetValueOrDefault(byStatus.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    is not OpenApiResponse response) continue;
                response.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                response.Extensions[Extension] = new JsonNodeExtension(Listing(byStatus));
                response.Description = string.Join("\n", byStatus.Select(e =>
                    e.Zh is null ? $"- `{e.Code}`" : $"- `{e.Code}`: {e.Zh} / {e.En}"));
            }
            return Task.CompletedTask;
        });
        return options;
    }

    private static JsonArray Listing(IEnumerable<DomainError> errors) =>
        new([.. errors.Select(e => (JsonNode)new JsonObject
        {
            ["status"] = ProblemWriter.StatusOf(e.Kind),
            ["code"] = e.Code,
            ["titleZh"] = e.Zh,
            ["titleEn"] = e.En,
        })]);
}
