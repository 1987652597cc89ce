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

    [Test]
    public async Task AProviderThatRefusesEveryPoll_IsOneWarning_NotALinePerPollAStackTraceOrAnError()
    {
        // Polled every 2 s against a closed port: before, 40 s of this wrote ~1,440 lines (HttpClient lines per
        // request, Polly's handled retries at Warning and Error with their stack traces), later one warning per poll.
        await using var host = HostProcess.Start("refused", new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = Directory.CreateTempSubdirectory("stockalerts-refused-").FullName,
            ["Prices__Providers__fixer__ApiKey"] = "a-key",
            ["Prices__Providers__fixer__BaseUrl"] = $"http://127.0.0.1:{ExternalProcess.FreePort()}/api",
            ["Prices__Providers__fixer__IntervalSeconds"] = "2",
            ["Prices__Providers__fixer__MonthlyQuota"] = "100000000",
        });
        await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(15));
        var log = host.Log.ToList();

        Assert.That(log.Where(line => line.Contains("fixer failed", StringComparison.Ordinal)).ToList(), Has.Count.EqualTo(1), "the failure is told once, not at each of the ~7 polls: " + string.Join('\n', log));
        Assert.That(log.Where(line => line.Contains("System.Net.Http.HttpClient", StringComparison.Ordinal) || line.Contains("Polly", StringComparison.Ordinal)
            || line.StartsWith("fail:", StringComparison.Ordinal) || line.TrimStart().StartsWith("at System.", StringComparison.Ordinal)).ToList(), Is.Empty, string.Join('\n', log));
    }

    private static Task<(int ExitCode, string Output)> RunAsync(Dictionary<string, string> environment)
    {
        environment["Storage__DataDirectory"] = Directory.CreateTempSubdirectory("stockalerts-operator-").FullName;
        environment["URLS"] = $"http://127.0.0.1:{ExternalProcess.FreePort()}";
        return Repository.RunAsync("dotnet", [Dll], AppContext.BaseDirectory, environment);
    }
}
