using System.Text.Json;
using System.Text.Json.Nodes;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Contract;

/// <summary>The live OpenAPI and AsyncAPI documents, and their committed snapshots next to this file.</summary>
internal static class ContractDocuments
{
    public const string OpenApiSnapshot = "openapi.v1.json";
    public const string AsyncApiSnapshot = "asyncapi.v1.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<JsonObject> FetchAsync(TestApp app, string path) =>
        (JsonObject)JsonNode.Parse(await app.CreateClient().GetStringAsync(path))!;

    public static string Folder() => Path.Combine(Repository.Root, "StockAlerts.Tests", "Contract");

    public static string Write(JsonNode document) => document.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
}
