using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace StockAlerts.Bench;

/// <summary>The real service, in this process, with the bench's settings.</summary>
internal sealed class BenchApp(Dictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    /// <summary>
    /// The service with no feed of its own and no scheduled jobs (the bench drives prices), quiet logs, a fresh data
    /// folder, and MariaDB (--db-mysql) and Redis (--redis) when the options name them.
    /// </summary>
    public static Dictionary<string, string?> QuietSettings(BenchOptions options)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = Directory.CreateTempSubdirectory("stockalerts-bench-").FullName,
            ["Jobs:Schedule"] = "false",
            ["Prices:Providers:simulated:Enabled"] = "false",
            ["Prices:Providers:finnhub:Stream:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (options.Text("db-mysql") is { } mysql)
        {
            settings["Database:Provider"] = "MySql";
            settings["ConnectionStrings:Database"] = mysql;
        }
        if (options.Text("redis") is { } redis)
        {
            settings["ConnectionStrings:Redis"] = redis;
        }
        return settings;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
