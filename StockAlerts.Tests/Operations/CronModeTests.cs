using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Operations;

/// <summary>
/// Cron mode (Jobs:Schedule=false, a scheduler calling `jobs run`), as an operator would run it: the service and
/// the commands as separate real processes. With Redis, a command's poll reaches the running service; without it
/// the command refuses, naming the setting, and the service does not claim fresh prices it never got.
/// </summary>
[NonParallelizable]
public sealed class CronModeTests
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "StockAlerts.Web.dll");

    [Test]
    public async Task WithRedis_AJobRunFromCron_ReachesTheRunningService()
    {
        var database = await TestServers.MariaDb.CreateDatabaseAsync();
        await using var redis = await RedisServer.StartOwnAsync(appendOnly: false);
        var environment = new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = Directory.CreateTempSubdirectory("stockalerts-cron-").FullName,
            ["Database__Provider"] = "MySql",
            ["ConnectionStrings__Database"] = database,
            ["ConnectionStrings__Redis"] = redis.ConnectionString,
            ["Jobs__Schedule"] = "false",
        };
        try
        {
            await using var host = HostProcess.Start("cron-redis", environment);
            await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
            var (http, _) = await SignInAsync(host);
            var before = await http.GetAsync("/api/prices/AAPL");

            var run = await Repository.RunAsync("dotnet", [Dll, "jobs", "run", "prices:poll:simulated"], AppContext.BaseDirectory, environment);
            var after = await http.GetAsync("/api/prices/AAPL");

            Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), await before.Content.ReadAsStringAsync());
            Assert.That(run.ExitCode, Is.Zero, run.Output);
            Assert.That(Lines(run.Output), Is.EqualTo(new[] { "prices:poll:simulated ran once." }), "a command prints its result, not the service's startup");
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await after.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("price").GetDecimal(), Is.GreaterThan(0));
        }
        finally
        {
            await TestServers.MariaDb.DropDatabaseAsync(database);
        }
    }

    [Test]
    public async Task WithoutRedis_AJobRunFromCron_IsRefusedNamingTheSetting_AndHealthDoesNotClaimFreshPrices()
    {
        var environment = new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = Directory.CreateTempSubdirectory("stockalerts-cron-").FullName,
            ["Jobs__Schedule"] = "false",
        };
        await using var host = HostProcess.Start("cron-embedded", environment);
        await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        var (_, email) = await SignInAsync(host);

        var run = await Repository.RunAsync("dotnet", [Dll, "jobs", "run", "prices:poll:simulated"], AppContext.BaseDirectory, environment);
        var makeAdmin = await Repository.RunAsync("dotnet", [Dll, "users", "make-admin", email], AppContext.BaseDirectory, environment);
        var (admin, _) = await SignInAsync(host, email);
        var health = await admin.GetFromJsonAsync<JsonElement>("/health/ready");
        var prices = health.GetProperty("checks").GetProperty("prices");

        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(Lines(run.Output), Has.Length.EqualTo(1).And.Some.Contains("ConnectionStrings:Redis").And.Some.Contains("Jobs:Schedule"));
        Assert.That(makeAdmin.ExitCode, Is.Zero, makeAdmin.Output);
        Assert.That(Lines(makeAdmin.Output), Is.EqualTo(new[] { $"{email} is now an admin (takes effect at the next sign-in)." }));
        Assert.That(prices.GetProperty("status").GetString(), Is.EqualTo("Degraded"));
        Assert.That(prices.GetProperty("description").GetString(), Does.Contain("simulated: no successful poll yet"));
        Assert.That(host.Log, Has.Some.Contains("Jobs:Schedule is false without Redis"));
    }

    private static async Task<(HttpClient Client, string Email)> SignInAsync(HostProcess host, string? email = null)
    {
        var http = host.CreateClient();
        if (email is null)
        {
            email = $"cron-{Guid.NewGuid():N}@example.com";
            (await http.PostAsJsonAsync("/api/auth/register", new { email, password = "Correct-Horse-42" })).EnsureSuccessStatusCode();
        }
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TestApp.LoginAsync(http, email, "Correct-Horse-42"));
        return (http, email);
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
