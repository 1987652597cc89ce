using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Shared.Api;

namespace StockAlerts.Modules.Alerts.ManageRules;

/// <summary>
/// The condition of a rule in the OpenAPI document: one schema per condition type with exactly its fields, joined by
/// a `type` discriminator, so a generated client knows what each type needs. Built from <see cref="ConditionShapes"/>.
/// </summary>
internal sealed class ConditionSchemas : IOpenApiDocumentTransformer
{
    public const string Component = nameof(ConditionRequest);

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null || !schemas.ContainsKey(Component))
        {
            return Task.CompletedTask;
        }
        var members = new List<IOpenApiSchema>();
        var mapping = new Dictionary<string, OpenApiSchemaReference>();
        foreach (var type in Enum.GetValues<ConditionType>())
        {
            var name = $"{type}Condition";
            schemas[name] = SchemaOf(type);
            var reference = new OpenApiSchemaReference(name, document);
            members.Add(reference);
            mapping[ApiNames.Name(type)] = reference;
        }
        schemas[Component] = new OpenApiSchema
        {
            Description = "What the rule watches for. `type` says which; each type takes exactly its own fields.",
            OneOf = members,
            Discriminator = new OpenApiDiscriminator { PropertyName = "type", Mapping = mapping },
        };
        return Task.CompletedTask;
    }

    private static OpenApiSchema SchemaOf(ConditionType type)
    {
        var (fields, required) = ConditionShapes.Of(type);
        var description = ConditionShapes.Describe(type);
        if (ConditionShapes.TakesAmountOrPercent(type))
        {
            description += " Give exactly one of `amount` and `percent`.";
        }
        var properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create(ApiNames.Name(type))!] },
        };
        foreach (var field in fields)
        {
            properties[field] = FieldSchema(field);
        }
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = description,
            Properties = properties,
            Required = new HashSet<string>(["type", .. required]),
            AdditionalPropertiesAllowed = false,
            Examples = [ConditionShapes.Example(type)],
        };
    }

    private static OpenApiSchema FieldSchema(string field) => field switch
    {
        ConditionShapes.WindowMinutes => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Description = "The window the move must happen within, in minutes (at most Alerts:MaxWindowMinutes)." },
        ConditionShapes.Reference => new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Enum = ApiNames.Of(typeof(ReferenceKind)).Select(name => (JsonNode)JsonValue.Create(name)!).ToList(),
            Description = "What the percentage is measured from.",
        },
        ConditionShapes.Percent => new OpenApiSchema { Type = JsonSchemaType.Number, Format = "double", Description = "A percentage, e.g. 2.5 for 2.5%." },
        _ => new OpenApiSchema { Type = JsonSchemaType.Number, Format = "double", ExclusiveMinimum = "0", Description = "A price, in the instrument's currency." },
    };
}
