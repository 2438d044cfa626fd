using System.Reflection;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Portal.Core.Common;

namespace Portal.Api;

/// <summary>
/// The OpenAPI document states the limits the input rules enforce (<see cref="InputRules"/>), so that a client (and
/// the malformed-input sweep, which generates its cases from the document) knows a limit before being refused by it:
/// a string property with a <see cref="TextInputAttribute"/> gets its <c>maxLength</c>; a string parameter the limit
/// of its attribute or of <see cref="TextRules.DefaultParameter"/>; a collection with a <see cref="MaxItemsAttribute"/>
/// its <c>maxItems</c> (<c>maxProperties</c> for a dictionary). A property without the attribute gets nothing: the same
/// schema may describe an answer, which has no limit.
/// </summary>
public static class InputRulesOpenApi
{
    public static OpenApiOptions AddInputRuleLimits(this OpenApiOptions options)
    {
        options.AddSchemaTransformer((schema, context, _) =>
        {
            (Type Type, ICustomAttributeProvider? Attributes, TextInputAttribute? Default)? member = context.JsonPropertyInfo is { } property
                ? (property.PropertyType, property.AttributeProvider, null)
                : context.ParameterDescription?.ParameterDescriptor is IParameterInfoParameterDescriptor { ParameterInfo: var parameter }
                    ? (parameter.ParameterType, parameter, TextRules.DefaultParameter)
                    : null;
            if (member is not var (type, provider, fallback)) return Task.CompletedTask;
            if ((Nullable.GetUnderlyingType(type) ?? type) == typeof(string))
            {
                if ((Attribute<TextInputAttribute>(provider) ?? fallback) is { } text) schema.MaxLength = text.MaxLength;
            }
            else if (Attribute<MaxItemsAttribute>(provider) is { } items)
            {
                // A dictionary is a JSON object, whose bound JSON Schema calls maxProperties.
                if (typeof(System.Collections.IDictionary).IsAssignableFrom(type)) schema.MaxProperties = items.Count;
                else schema.MaxItems = items.Count;
            }
            return Task.CompletedTask;
        });
        return options;
    }

    private static T? Attribute<T>(ICustomAttributeProvider? provider) where T : Attribute =>
        provider?.GetCustomAttributes(typeof(T), inherit: true).OfType<T>().FirstOrDefault();
}
