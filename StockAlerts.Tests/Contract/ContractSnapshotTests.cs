using System.Text.Json.Nodes;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Contract;

/// <summary>
/// The API documents are kept under version control: a change to the API that does not update them fails here, so
/// every contract change is deliberate and shows in review. To accept a change, run the tests with
/// STOCKALERTS_ACCEPT_CONTRACT=1 (./test.sh --filter Contract) and commit the updated files.
/// </summary>
public sealed class ContractSnapshotTests
{
    [TestCase("/openapi/v1.json", ContractDocuments.OpenApiSnapshot)]
    [TestCase("/asyncapi/v1.json", ContractDocuments.AsyncApiSnapshot)]
    public async Task LiveDocument_MatchesTheCommittedSnapshot(string path, string snapshot)
    {
        await using var app = await TestApp.StartAsync(StorageKind.Sqlite);
        var live = ContractDocuments.Write(await ContractDocuments.FetchAsync(app, path));
        var file = Path.Combine(ContractDocuments.Folder(), snapshot);

        if (Environment.GetEnvironmentVariable("STOCKALERTS_ACCEPT_CONTRACT") == "1")
        {
            await File.WriteAllTextAsync(file, live);
            Assert.Pass($"{snapshot} updated: review and commit it.");
        }
        var committed = File.Exists(file) ? await File.ReadAllTextAsync(file) : "";
        if (!JsonNode.DeepEquals(JsonNode.Parse(committed.Length == 0 ? "{}" : committed), JsonNode.Parse(live)))
        {
            var received = Path.ChangeExtension(file, ".received.json");
            await File.WriteAllTextAsync(received, live);
            Assert.Fail($"{path} changed and {snapshot} was not updated. The new document is in {received}; if the change is meant, " +
                "run the tests with STOCKALERTS_ACCEPT_CONTRACT=1 and commit the snapshot.");
        }
    }
}
