using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Operations;

/// <summary>What an operator sees for a wrong setting, from the real process: one line naming it, or a warning for a key nothing reads.</summary>
[NonParallelizable]
public sealed class OperatorErrorsTests
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "StockAlerts.Web.dll");

    [Test]
    public async Task AnUnreachableRedis_EndsStartupInOneLine_NamingTheSetting()
    {
        var run = await RunAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Redis"] = $"127.0.0.1:{ExternalProcess.FreePort()}",
            ["Database__StartupTimeoutSeconds"] = "3",
        });

        Assert.That(run.ExitCode, Is.EqualTo(1), run.Output);
        Assert.That(run.Output, Does.Contain("StockAlerts cannot start: Redis at").And.Contain("(ConnectionStrings:Redis) did not answer within 3 s"));
        Assert.That(run.Output, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public async Task AListSetting_IsNamedAsItIsWritten()
    {
        var run = await RunAsync(new Dictionary<string, string> { ["Cors__AllowedOrigins__0"] = "https://app.example.com/path" });
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(lines, Has.Length.EqualTo(1), run.Output);
        Assert.That(lines[0], Does.Contain("'Cors:AllowedOrigins:0' (environment variable Cors__AllowedOrigins__0)"));
    }

    [Test]
    public async Task AMisspelledSetting_IsWarnedAbout_NamingIt()
    {
        await using var host = HostProcess.Start("misspelled", new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = Directory.CreateTempSubdirectory("stockalerts-misspelled-").FullName,
            ["Jobs__Schedul"] = "false",
            ["Prices__Providers__finhub__ApiKey"] = "a-key",
            ["Prices__Providers__simulated__Seed"] = "7",
            ["Alerts__MaxActiveRulesPerUser"] = "150",
        });
        await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        var warnings = host.Log.Where(line => line.Contains("is not one StockAlerts reads", StringComparison.Ordinal)).ToList();

        Assert.That(warnings, Has.Count.EqualTo(2), string.Join('\n', host.Log));
        Assert.That(warnings, Has.Some.Contains("Jobs__Schedul"));
        Assert.That(warnings, Has.Some.Contains("Prices__Providers__finhub"));
    }

    private static Task<(int ExitCode, string Output)> RunAsync(Dictionary<string, string> environment)
    {
        environment["Storage__DataDirectory"] = Directory.CreateTempSubdirectory("stockalerts-operator-").FullName;
        environment["URLS"] = $"http://127.0.0.1:{ExternalProcess.FreePort()}";
        return Repository.RunAsync("dotnet", [Dll], AppContext.BaseDirectory, environment);
    }
}
