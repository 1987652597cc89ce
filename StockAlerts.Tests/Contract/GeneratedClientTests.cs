using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Contract;

/// <summary>
/// The proof that the OpenAPI document is complete: clients generated from it, as a client developer would generate
/// them, compile (TypeScript with openapi-typescript under tsc --strict; C# with Kiota), and the C# one runs a first
/// hour of use against the real service in its own process.
/// </summary>
[NonParallelizable]
[Category("Clients")]
public sealed partial class GeneratedClientTests
{
    private string folder = null!;
    private string document = null!;

    [OneTimeSetUp]
    public async Task WriteTheDocumentAsync()
    {
        folder = Directory.CreateTempSubdirectory("stockalerts-clients-").FullName;
        await using var app = await TestApp.StartAsync(StorageKind.Sqlite);
        document = Path.Combine(folder, "openapi.v1.json");
        await File.WriteAllTextAsync(document, ContractDocuments.Write(await ContractDocuments.FetchAsync(app, "/openapi/v1.json")));
    }

    [OneTimeTearDown]
    public void DeleteFolder()
    {
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }

    [Test]
    public async Task TypeScriptClient_FromTheDocument_TypeChecksWithNoUntypedBody()
    {
        var work = Directory.CreateDirectory(Path.Combine(folder, "typescript")).FullName;
        foreach (var file in new[] { "package.json", "tsconfig.json", "scenario.ts" })
        {
            File.Copy(Path.Combine(ContractDocuments.Folder(), "Clients", "typescript", file), Path.Combine(work, file));
        }
        File.Copy(document, Path.Combine(work, "openapi.v1.json"));
        var npm = ExternalProcess.Find("npm", "npm");

        await RunAsync(npm, ["install", "--no-audit", "--no-fund", "--loglevel=error"], work);
        await RunAsync(npm, ["exec", "--", "openapi-typescript", "openapi.v1.json", "-o", "api.d.ts"], work);
        var untyped = File.ReadAllLines(Path.Combine(work, "api.d.ts")).Where(line => UntypedBody().IsMatch(line)).ToList();
        var compiled = await RunAsync(npm, ["exec", "--", "tsc", "-p", "tsconfig.json"], work);

        Assert.That(untyped, Is.Empty, "every documented body has a type (headers may be open)");
        Assert.That(compiled, Is.Not.Null);
    }

    [Test]
    public async Task CSharpClient_GeneratedByKiota_CompilesAndRunsTheFirstHourAgainstTheService()
    {
        var repository = Path.GetDirectoryName(Path.GetDirectoryName(ContractDocuments.Folder()))!;
        var work = Directory.CreateDirectory(Path.Combine(folder, "csharp")).FullName;
        File.Copy(Path.Combine(ContractDocuments.Folder(), "Clients", "csharp", "Scenario.csproj.template"), Path.Combine(work, "Scenario.csproj"));
        File.Copy(Path.Combine(ContractDocuments.Folder(), "Clients", "csharp", "Scenario.cs"), Path.Combine(work, "Scenario.cs"));

        await RunAsync("dotnet", ["tool", "restore"], repository);
        await RunAsync("dotnet", ["kiota", "generate", "-l", "CSharp", "-d", document, "-c", "StockAlertsClient", "-n", "StockAlerts.Client",
            "-o", Path.Combine(work, "Client"), "--exclude-backward-compatible", "--clean-output", "--log-level", "Warning"], repository);
        await RunAsync("dotnet", ["build", "-c", "Release", "-v", "quiet", "--nologo"], work);

        await using var host = HostProcess.Start("clients-host", new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = Path.Combine(folder, "host-data"),
            ["Jobs__Schedule"] = "true",
            ["RateLimits__AuthPerMinute"] = "1000",
        });
        await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        var output = await RunAsync("dotnet", [Path.Combine(work, "bin", "Release", "net10.0", "Scenario.dll"), host.Address.ToString().TrimEnd('/')], work);

        TestContext.Out.WriteLine(output);
        Assert.That(output, Does.Contain("scenario passed"));
    }

    /// <summary>Runs a command to its end and fails the test, with its output, unless it exits 0.</summary>
    private static async Task<string> RunAsync(string file, string[] arguments, string workingDirectory)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        var output = new StringBuilder();
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        process.ErrorDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"{Path.GetFileName(file)} {string.Join(' ', arguments)}:\n{output}");
        return output.ToString();
    }

    // "application/json": unknown, an any, or an open record where a body belongs (headers are "[name: string]: unknown").
    [GeneratedRegex(@"""[a-z+/-]+"":\s*unknown;|:\s*any\b|Record<string,\s*unknown>")]
    private static partial Regex UntypedBody();
}
