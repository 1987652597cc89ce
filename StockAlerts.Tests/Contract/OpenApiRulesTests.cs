using System.Text.Json.Nodes;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Contract;

/// <summary>What a client developer relies on in the OpenAPI document, checked over every operation and schema.</summary>
public sealed class OpenApiRulesTests
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];
    private JsonObject document = null!;

    [OneTimeSetUp]
    public async Task FetchAsync()
    {
        await using var app = await TestApp.StartAsync(StorageKind.Sqlite);
        document = await ContractDocuments.FetchAsync(app, "/openapi/v1.json");
    }

    [Test]
    public void EveryOperation_HasAUniqueOperationIdASummaryAndATypedSuccess()
    {
        var problems = new List<string>();
        var ids = new HashSet<string>();
        foreach (var (name, operation) in Operations())
        {
            var id = operation["operationId"]?.GetValue<string>();
            if (string.IsNullOrWhiteSpace(id) || !ids.Add(id))
            {
                problems.Add($"{name}: operationId missing or repeated");
            }
            if (string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()))
            {
                problems.Add($"{name}: no summary");
            }
            var successes = operation["responses"]!.AsObject().Where(response => response.Key.StartsWith('2')).ToList();
            if (successes.Count == 0)
            {
                problems.Add($"{name}: no success response");
            }
            foreach (var (status, response) in successes)
            {
                var typed = status == "204" || response!["content"]?.AsObject().Any(content => content.Value!["schema"] is not null) == true;
                if (!typed)
                {
                    problems.Add($"{name}: {status} has no schema");
                }
            }
        }
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void EveryOperation_DocumentsTheErrorsItCanAnswer()
    {
        var problems = new List<string>();
        foreach (var (name, operation) in Operations())
        {
            var responses = Resolve(operation["responses"]!.AsObject());
            var parameters = operation["parameters"]?.AsArray().Select(parameter => parameter!["in"]!.GetValue<string>()).ToList() ?? [];
            var expected = new List<string> { "429", "503" };
            if (operation["security"] is JsonArray { Count: > 0 })
            {
                expected.Add("401");
            }
            if (parameters.Count > 0 || operation["requestBody"] is not null)
            {
                expected.Add("400");
            }
            if (parameters.Contains("path"))
            {
                expected.Add("404");
            }
            if (operation["requestBody"] is not null)
            {
                expected.Add("413");
            }
            problems.AddRange(expected.Where(status => !responses.ContainsKey(status)).Select(status => $"{name}: no {status}"));
            problems.AddRange(responses.Where(response => response.Key[0] is '4' or '5')
                .Where(response => response.Value!["content"]?["application/problem+json"]?["schema"] is null)
                .Select(response => $"{name}: {response.Key} has no ProblemDetails schema"));
            if (responses["400"]?["content"]?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>() is { } validation
                && !validation.EndsWith("HttpValidationProblemDetails", StringComparison.Ordinal))
            {
                problems.Add($"{name}: 400 is not the validation problem shape");
            }
        }
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void NoRequestProperty_IsBothRequiredAndNullable()
    {
        var problems = new List<string>();
        foreach (var (name, schema) in Schemas().Where(schema => schema.Name.EndsWith("Request", StringComparison.Ordinal) || schema.Name.EndsWith("Condition", StringComparison.Ordinal)))
        {
            var required = schema["required"]?.AsArray().Select(item => item!.GetValue<string>()).ToHashSet() ?? [];
            if (schema["oneOf"] is null && schema["additionalProperties"]?.GetValue<bool>() != false)
            {
                problems.Add($"{name} accepts properties it does not list (required and optional members were not worked out)");
            }
            foreach (var (property, value) in schema["properties"]?.AsObject() ?? [])
            {
                if (AllowsNull(value!))
                {
                    problems.Add(required.Contains(property) ? $"{name}.{property} is required and nullable" : $"{name}.{property} is nullable in a request");
                }
            }
        }
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void Numbers_AreNeverStrings()
    {
        var mixed = Walk(document).Where(node => node["type"] is JsonArray types
            && types.Any(type => type!.GetValue<string>() is "number" or "integer") && types.Any(type => type!.GetValue<string>() == "string")).ToList();

        Assert.That(mixed, Is.Empty, "a number is typed number or integer, never also string");
    }

    [TestCase("AlertRuleView", "state")]
    [TestCase("ConditionView", "type")]
    [TestCase("FrequencyView", "type")]
    [TestCase("FrequencyRequest", "type")]
    [TestCase("RegisterDeviceRequest", "platform")]
    [TestCase("PercentChangeCondition", "reference")]
    public void ClosedSets_AreEnums(string schema, string property)
    {
        var node = document["components"]!["schemas"]![schema]!["properties"]![property]!;

        Assert.That(node["enum"], Is.Not.Null.And.Property("Count").GreaterThan(0), $"{schema}.{property}");
    }

    [Test]
    public void TheCondition_IsOneOfATypePerConditionWithADiscriminator()
    {
        var condition = document["components"]!["schemas"]!["ConditionRequest"]!;
        var mapping = condition["discriminator"]!["mapping"]!.AsObject();

        Assert.That(condition["discriminator"]!["propertyName"]!.GetValue<string>(), Is.EqualTo("type"));
        Assert.That(condition["oneOf"]!.AsArray(), Has.Count.EqualTo(17));
        Assert.That(mapping.Select(entry => entry.Key), Is.EquivalentTo(new[]
        {
            "above", "below", "crossesAbove", "crossesBelow", "crosses", "entersChannel", "exitsChannel", "insideChannel", "outsideChannel",
            "movesUp", "movesDown", "percentChange", "trailingDrawdown", "trailingRise", "step", "indicator", "compound",
        }));
        Assert.That(document["components"]!["schemas"]!["EntersChannelCondition"]!["required"]!.AsArray().Select(item => item!.GetValue<string>()),
            Is.EquivalentTo(new[] { "type", "lower", "upper" }));
        // An indicator condition's sides are operands, one schema per kind; a compound's parts take a symbol and no compound.
        var schemas = document["components"]!["schemas"]!;
        Assert.That(schemas["IndicatorCondition"]!["properties"]!["left"]!["$ref"]!.GetValue<string>(), Is.EqualTo("#/components/schemas/OperandRequest"));
        Assert.That(schemas["OperandRequest"]!["discriminator"]!["mapping"]!.AsObject().Select(entry => entry.Key),
            Is.EquivalentTo(new[] { "price", "value", "sma", "ema", "rsi", "bollinger", "macd", "highest", "lowest" }));
        Assert.That(schemas["RsiOperand"]!["required"]!.AsArray().Select(item => item!.GetValue<string>()), Is.EquivalentTo(new[] { "type", "timeframe" }));
        Assert.That(schemas["CompoundCondition"]!["properties"]!["conditions"]!["maxItems"]!.GetValue<int>(), Is.EqualTo(5));
        Assert.That(schemas["ConditionPart"]!["discriminator"]!["mapping"]!.AsObject().Select(entry => entry.Key), Does.Not.Contain("compound").And.Contain("indicator"));
        Assert.That(schemas["AbovePart"]!["properties"]!["symbol"], Is.Not.Null);
    }

    /// <summary>Responses with their $refs to components.responses followed.</summary>
    private JsonObject Resolve(JsonObject responses) =>
        new(responses.Select(response => KeyValuePair.Create(response.Key,
            (JsonNode?)(response.Value!["$ref"]?.GetValue<string>() is { } reference
                ? document["components"]!["responses"]![reference.Split('/')[^1]]!.DeepClone()
                : response.Value!.DeepClone()))));

    private IEnumerable<(string Name, JsonObject Operation)> Operations() =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(entry => Methods.Contains(entry.Key))
            .Select(entry => ($"{entry.Key.ToUpperInvariant()} {path.Key}", entry.Value!.AsObject())));

    private IEnumerable<(string Name, JsonObject Schema)> Schemas() =>
        document["components"]!["schemas"]!.AsObject().Select(schema => (schema.Key, schema.Value!.AsObject()));

    private static bool AllowsNull(JsonNode schema) =>
        schema["type"] is JsonArray types && types.Any(type => type!.GetValue<string>() == "null")
        || schema["type"]?.GetValueKind() == System.Text.Json.JsonValueKind.String && schema["type"]!.GetValue<string>() == "null"
        || schema["oneOf"] is JsonArray oneOf && oneOf.Any(member => member is not null && AllowsNull(member));

    private static IEnumerable<JsonObject> Walk(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject item:
                yield return item;
                foreach (var child in item.SelectMany(property => Walk(property.Value)))
                {
                    yield return child;
                }
                break;
            case JsonArray array:
                foreach (var child in array.SelectMany(Walk))
                {
                    yield return child;
                }
                break;
        }
    }
}
