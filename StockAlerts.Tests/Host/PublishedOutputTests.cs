using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Host;

/// <summary>
/// What the container does, without a container engine: publish, start the published output the way the image's
/// entrypoint does (same environment: URLS, data folder), use it over real loopback HTTP, then stop it with SIGTERM.
/// </summary>
[NonParallelizable]
public sealed class PublishedOutputTests
{
    private string folder = null!;
    private string output = null!;

    [OneTimeSetUp]
    public async Task PublishAsync()
    {
        var repository = Repository.Root;
        folder = Directory.CreateTempSubdirectory("stockalerts-published-").FullName;
        output = Path.Combine(folder, "app");
        var published = await RunAsync("dotnet", ["publish", Path.Combine(repository, "StockAlerts.Web"), "-c", "Release", "-o", output, "--nologo", "-v", "quiet"], repository, []);
        Assert.That(published.ExitCode, Is.Zero, published.Output);
    }

    [OneTimeTearDown]
    public void DeleteOutput() => Directory.Delete(folder, recursive: true);

    [Test]
    public async Task PublishedApp_StartsLikeTheImage_ServesRequests_AndStopsCleanlyOnSigterm()
    {
        var data = Path.Combine(folder, "data");
        var port = ExternalProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["URLS"] = $"http://127.0.0.1:{port}",
            ["Storage__DataDirectory"] = data,
            ["Jobs__Schedule"] = "true",
        };
        var log = new System.Text.StringBuilder();
        using var app = Start("dotnet", [Path.Combine(output, "StockAlerts.Web.dll")], output, environment, log);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await WaitForReadyAsync(http, app, log);

        var email = $"image-{Guid.NewGuid():N}@example.com";
        await http.PostAsJsonAsync("/api/auth/register", new { email, password = "Correct-Horse-42" });
        var token = await TestApp.LoginAsync(http, email, "Correct-Horse-42");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/prices/AAPL");
        request.Headers.Authorization = new("Bearer", token);
        var quote = await (await http.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
        var dashboard = await http.GetAsync("/hangfire");
        var healthCommand = await RunAsync("dotnet", [Path.Combine(output, "StockAlerts.Web.dll"), "health"], output, environment);

        var terminated = await RunAsync("kill", ["-TERM", app.Id.ToString()], folder, []);
        var exited = app.WaitForExit(30_000);
        if (exited)
        {
            // The timed wait returns before the redirected output is drained; this one waits for it.
            app.WaitForExit();
        }

        Assert.That(quote.GetProperty("symbol").GetString(), Is.EqualTo("AAPL"));
        Assert.That(dashboard.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the dashboard refuses anonymous requests from localhost too");
        Assert.That(healthCommand.ExitCode, Is.Zero, healthCommand.Output);
        Assert.That(terminated.ExitCode, Is.Zero);
        Assert.That(exited, Is.True, "the app stops within 30 s of SIGTERM");
        Assert.That(app.ExitCode, Is.Zero, log.ToString());
        Assert.That(log.ToString(), Does.Contain("Application is shutting down"));
        Assert.That(File.Exists(Path.Combine(data, "stockalerts.db")), Is.True);
        Assert.That(Directory.EnumerateFiles(Path.Combine(data, "keys")), Is.Not.Empty, "token-signing keys persist in the data folder");
    }

    [Test]
    public async Task PublishedApp_WithTheJsonConsoleFormatter_WritesOneJsonObjectPerLine()
    {
        var port = ExternalProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["URLS"] = $"http://127.0.0.1:{port}",
            ["Storage__DataDirectory"] = Path.Combine(folder, "json-data"),
            ["Jobs__Schedule"] = "false",
            ["Logging__Console__FormatterName"] = "json",
        };
        var log = new System.Text.StringBuilder();
        using var app = Start("dotnet", [Path.Combine(output, "StockAlerts.Web.dll")], output, environment, log);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await WaitForReadyAsync(http, app, log);
        var health = await http.GetAsync("/health/live");
        await RunAsync("kill", ["-TERM", app.Id.ToString()], folder, []);
        if (app.WaitForExit(30_000))
        {
            app.WaitForExit();
        }
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var entries = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();

        Assert.That(health.Headers.Contains("Server"), Is.False, "Kestrel does not announce itself");
        Assert.That(entries, Is.Not.Empty);
        Assert.That(entries.Select(entry => entry.GetProperty("LogLevel").GetString()), Has.All.Not.Null);
        Assert.That(entries.Select(entry => entry.GetProperty("Message").GetString()), Has.Some.Contains("StockAlerts is listening on"));
    }

    [Test]
    public async Task PublishedApp_InProductionWithAnExampleApiKey_RefusesToStart_NamingTheSetting()
    {
        var environment = new Dictionary<string, string>
        {
            ["URLS"] = $"http://127.0.0.1:{ExternalProcess.FreePort()}",
            ["Storage__DataDirectory"] = Path.Combine(folder, "refused-data"),
            ["Prices__Providers__finnhub__ApiKey"] = "your-finnhub-key",
        };

        var run = await RunAsync("dotnet", [Path.Combine(output, "StockAlerts.Web.dll")], output, environment);

        Assert.That(run.ExitCode, Is.Not.Zero);
        Assert.That(run.Output, Does.Contain("Prices__Providers__finnhub__ApiKey").And.Not.Contain("your-finnhub-key"));
    }

    [Test]
    public async Task PublishedApp_WithThePublishedKeyInItsKeyRing_RefusesToStart_InOneLine()
    {
        const string publishedKeyId = "6bbe5a32-4cf8-44ad-bb82-b69fc6ce852b";
        var data = Path.Combine(folder, "published-key-data");
        Directory.CreateDirectory(Path.Combine(data, "keys"));
        await File.WriteAllTextAsync(Path.Combine(data, "keys", $"key-{publishedKeyId}.xml"), $"<key id=\"{publishedKeyId}\" version=\"1\" />");
        var environment = new Dictionary<string, string>
        {
            ["URLS"] = $"http://127.0.0.1:{ExternalProcess.FreePort()}",
            ["Storage__DataDirectory"] = data,
        };

        var run = await RunAsync("dotnet", [Path.Combine(output, "StockAlerts.Web.dll")], output, environment);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Output);
        Assert.That(lines, Has.Length.EqualTo(1), run.Output);
        Assert.That(lines[0], Does.Contain(publishedKeyId).And.Contain("delete"));
    }

    [Test]
    public async Task PublishedApp_WithAWrongSetting_StopsWithOneLineNamingIt_AndExitCode1()
    {
        var environment = new Dictionary<string, string>
        {
            ["URLS"] = $"http://127.0.0.1:{ExternalProcess.FreePort()}",
            ["Storage__DataDirectory"] = Path.Combine(folder, "wrong-setting-data"),
            ["Database__Provider"] = "Postgres",
        };

        var run = await RunAsync("dotnet", [Path.Combine(output, "StockAlerts.Web.dll")], output, environment);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Output);
        Assert.That(lines, Has.Length.EqualTo(1), run.Output);
        Assert.That(lines[0], Does.Contain("Database__Provider"));
    }

    private static async Task WaitForReadyAsync(HttpClient http, Process app, System.Text.StringBuilder log)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline && !app.HasExited)
        {
            try
            {
                if ((await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(250);
        }
        Assert.Fail($"the published app did not become ready:\n{log}");
    }

    private static Process Start(string file, string[] arguments, string workingDirectory, Dictionary<string, string> environment, System.Text.StringBuilder log)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, line) => { lock (log) { log.AppendLine(line.Data); } };
        process.ErrorDataReceived += (_, line) => { lock (log) { log.AppendLine(line.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ExternalProcess.Stop(process);
        return process;
    }

    private static Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string workingDirectory, Dictionary<string, string> environment) =>
        Repository.RunAsync(file, arguments, workingDirectory, environment);
}
