using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR;

namespace StockAlerts.Modules.Shared.Api;

/// <summary>
/// An AsyncAPI 3 document of the hubs, generated from the hub classes and their client interfaces: every method a
/// client may invoke (with its arguments and its reply) and every message the server sends, with JSON schemas of their
/// payloads as the JSON hub protocol writes them. A SignalR invocation carries its arguments as an array, so a
/// payload is the array of arguments.
/// </summary>
public static class AsyncApiDocument
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    public static JsonObject Build(IEnumerable<HubDescription> hubs)
    {
        var channels = new JsonObject();
        var operations = new JsonObject();
        var messages = new JsonObject();
        foreach (var hub in hubs.OrderBy(hub => hub.Name, StringComparer.Ordinal))
        {
            var channelMessages = new JsonObject();
            foreach (var method in Invocable(hub.HubType))
            {
                var name = $"{hub.Name}.{method.Name}";
                messages[name] = Message(method.Name, Describe(method), Arguments(method));
                channelMessages[method.Name] = Reference($"#/components/messages/{name}");
                var operation = new JsonObject
                {
                    ["action"] = "receive",
                    ["summary"] = $"The client invokes {method.Name}.",
                    ["channel"] = Reference($"#/channels/{hub.Name}"),
                    ["messages"] = new JsonArray(Reference($"#/channels/{hub.Name}/messages/{method.Name}")),
                };
                if (ResultType(method) is { } result)
                {
                    var replyName = $"{name}.result";
                    messages[replyName] = Message($"{method.Name} result", $"What {method.Name} answers (the completion's result).", Schema(result));
                    channelMessages[$"{method.Name}Result"] = Reference($"#/components/messages/{replyName}");
                    operation["reply"] = new JsonObject
                    {
                        ["channel"] = Reference($"#/channels/{hub.Name}"),
                        ["messages"] = new JsonArray(Reference($"#/channels/{hub.Name}/messages/{method.Name}Result")),
                    };
                }
                operations[name] = operation;
            }
            foreach (var method in hub.ClientInterface.GetMethods().OrderBy(method => method.Name, StringComparer.Ordinal))
            {
                var name = $"{hub.Name}.{method.Name}";
                messages[name] = Message(method.Name, Describe(method), Arguments(method));
                channelMessages[method.Name] = Reference($"#/components/messages/{name}");
                operations[name] = new JsonObject
                {
                    ["action"] = "send",
                    ["summary"] = $"The server sends {method.Name}.",
                    ["channel"] = Reference($"#/channels/{hub.Name}"),
                    ["messages"] = new JsonArray(Reference($"#/channels/{hub.Name}/messages/{method.Name}")),
                };
            }
            channels[hub.Name] = new JsonObject
            {
                ["address"] = hub.Path,
                ["description"] = hub.Description,
                ["messages"] = channelMessages,
            };
        }
        return new JsonObject
        {
            ["asyncapi"] = "3.0.0",
            ["info"] = new JsonObject
            {
                ["title"] = "StockAlerts live hubs",
                ["version"] = "v1",
                ["description"] =
                    "ASP.NET Core SignalR hubs (JSON hub protocol, or MessagePack for clients that ask for it; WebSockets, Server-Sent Events or long polling). " +
                    "The schemas here are the JSON protocol's; MessagePack carries the same fields, keyed by the server's property names (PascalCase: it is case-sensitive). " +
                    "Connect with the access token from " +
                    "POST /api/auth/login as `access_token` in the query string (the official SignalR clients do this with accessTokenFactory). " +
                    "Invocation payloads are the arrays of arguments; a reply is the invocation's completion result.",
            },
            ["defaultContentType"] = "application/json",
            ["channels"] = channels,
            ["operations"] = operations,
            ["components"] = new JsonObject
            {
                ["messages"] = messages,
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject { ["type"] = "httpApiKey", ["name"] = "access_token", ["in"] = "query", ["description"] = "The access token from POST /api/auth/login." },
                },
            },
        };
    }

    private static IEnumerable<MethodInfo> Invocable(Type hubType) =>
        hubType.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(method => !method.IsSpecialName && method.DeclaringType == hubType && !IsLifecycle(method))
            .OrderBy(method => method.Name, StringComparer.Ordinal);

    private static bool IsLifecycle(MethodInfo method) => method.Name is nameof(Hub.OnConnectedAsync) or nameof(Hub.OnDisconnectedAsync) or nameof(IDisposable.Dispose);

    private static string Describe(MemberInfo member) => member.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "";

    private static JsonObject Message(string name, string description, JsonNode payload) => new()
    {
        ["name"] = name,
        ["description"] = description,
        ["payload"] = payload,
    };

    private static JsonObject Arguments(MethodInfo method)
    {
        var parameters = method.GetParameters().Where(parameter => parameter.ParameterType != typeof(CancellationToken)).ToList();
        var items = new JsonArray(parameters.Select(parameter =>
        {
            var schema = Schema(parameter.ParameterType);
            schema["title"] = parameter.Name;
            return (JsonNode)schema;
        }).ToArray());
        return new JsonObject
        {
            ["type"] = "array",
            ["prefixItems"] = items,
            ["minItems"] = parameters.Count,
            ["maxItems"] = parameters.Count,
        };
    }

    private static Type? ResultType(MethodInfo method) =>
        method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>) ? method.ReturnType.GetGenericArguments()[0] : null;

    private static JsonObject Schema(Type type) =>
        (JsonObject)JsonSchemaExporter.GetJsonSchemaAsNode(Json, type, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });

    private static JsonObject Reference(string path) => new() { ["$ref"] = path };
}
