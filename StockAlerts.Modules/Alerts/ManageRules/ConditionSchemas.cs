using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using StockAlerts.Modules.Alerts.EvaluateAlerts;
using StockAlerts.Modules.Alerts.EvaluateAlerts.Indicators;
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
        schemas[Component] = OneOf(document, schemas, Enum.GetValues<ConditionType>().Select(type => ($"{type}Condition", ApiNames.Name(type), SchemaOf(type, document, part: false))),
            "What the rule watches for. `type` says which; each type takes exactly its own fields.");
        schemas[PartComponent] = OneOf(document, schemas, ConditionShapes.PartTypes.Select(type => ($"{type}Part", ApiNames.Name(type), SchemaOf(type, document, part: true))),
            "One condition of a compound: a price level or channel, or an indicator condition; on the rule's symbol unless it names `symbol`.");
        schemas[OperandComponent] = OneOf(document, schemas, OperandShapes.Types.Select(type => ($"{char.ToUpperInvariant(type[0])}{type[1..]}Operand", type, OperandSchema(type))),
            "One side of an indicator condition: the price, a number, or an indicator on a timeframe (1m, 5m, 15m, 1h, 4h, 1d).");
        return Task.CompletedTask;
    }

    private const string PartComponent = "ConditionPart";
    private const string OperandComponent = nameof(OperandRequest);

    private static OpenApiSchema OneOf(OpenApiDocument document, IDictionary<string, IOpenApiSchema> schemas, IEnumerable<(string Name, string Type, OpenApiSchema Schema)> members, string description)
    {
        var references = new List<IOpenApiSchema>();
        var mapping = new Dictionary<string, OpenApiSchemaReference>();
        foreach (var (name, type, schema) in members)
        {
            schemas[name] = schema;
            var reference = new OpenApiSchemaReference(name, document);
            references.Add(reference);
            mapping[type] = reference;
        }
        return new OpenApiSchema { Description = description, OneOf = references, Discriminator = new OpenApiDiscriminator { PropertyName = "type", Mapping = mapping } };
    }

    private static OpenApiSchema SchemaOf(ConditionType type, OpenApiDocument document, bool part)
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
            properties[field] = FieldSchema(field, document);
        }
        if (part)
        {
            properties["symbol"] = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 20, Description = "The symbol this condition is on; the rule's own when left out." };
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

    private static OpenApiSchema OperandSchema(string type)
    {
        var (fields, required) = OperandShapes.Of(type);
        var properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create(type)!] },
        };
        foreach (var field in fields)
        {
            properties[field] = field switch
            {
                OperandShapes.Value => new OpenApiSchema { Type = JsonSchemaType.Number, Format = "double", Description = "The number." },
                OperandShapes.Timeframe => Strings(Timeframes.Names, "The bars' length: intraday bars start on the UTC clock; a day is the exchange's (a stock) or UTC (a currency pair)."),
                OperandShapes.Deviations => new OpenApiSchema { Type = JsonSchemaType.Number, Format = "double", Minimum = "0.1", Maximum = "10", Description = "Standard deviations from the middle band to each band (default 2)." },
                OperandShapes.Output => Strings(type == "bollinger" ? OperandShapes.BollingerOutputs : OperandShapes.MacdOutputs, "Which line."),
                _ => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = OperandShapes.MaxPeriod.ToString(System.Globalization.CultureInfo.InvariantCulture), Description = "A number of bars." },
            };
        }
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = OperandShapes.Describe(type),
            Properties = properties,
            Required = new HashSet<string>(["type", .. required]),
            AdditionalPropertiesAllowed = false,
        };
    }

    private static OpenApiSchema Strings(IEnumerable<string> values, string description) =>
        new() { Type = JsonSchemaType.String, Enum = values.Select(value => (JsonNode)JsonValue.Create(value)!).ToList(), Description = description };

    private static IOpenApiSchema FieldSchema(string field, OpenApiDocument document) => field switch
    {
        ConditionShapes.Left or ConditionShapes.Right => new OpenApiSchemaReference(OperandComponent, document),
        ConditionShapes.Operator => Strings(ConditionShapes.Operators.Select(ApiNames.Name), "How left compares with right."),
        ConditionShapes.Evaluate => Strings(["barClose", "live"], "barClose (default): judged when a bar of the timeframe closes, on its close; live: on every price."),
        ConditionShapes.Match => Strings(["all", "any"], "all: every condition holds (AND); any: at least one does (OR)."),
        ConditionShapes.Conditions => new OpenApiSchema
        {
            Type = JsonSchemaType.Array, MinItems = 2, MaxItems = EvaluateAlerts.CompoundCondition.MaxParts,
            Items = new OpenApiSchemaReference(PartComponent, document),
        },
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
