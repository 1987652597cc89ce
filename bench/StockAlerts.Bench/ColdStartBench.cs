using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Alerts.Data;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Bench;

/// <summary>
/// A cold start with many stored rules: the database is migrated and seeded by the service itself, then the real
/// service is started as its own process (as an operator starts it), once per GC mode, with the simulated feed polled
/// in process, and timed from process start to its "first prices evaluated" log line.
/// </summary>
internal static class ColdStartBench
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var count = options.Int("rules", 1_000_000);
        var mysql = options.Text("db-mysql");
        var settings = BenchApp.QuietSettings(options);
        Console.WriteLine($"cold start bench: {count:N0} rules on {(mysql is null ? "SQLite" : "MariaDB/MySQL")}");
        if (options.Int("seed", 1) == 1)
        {
            await SeedAsync(settings, count);
        }

        var service = ServiceDll();
        var modes = options.Text("gc") is { } only ? [only == "server"] : new[] { false, true };
        foreach (var serverGc in modes)
        {
            var seconds = await StartAsync(service, settings, serverGc);
            Console.WriteLine($"{(serverGc ? "server" : "workstation")} GC: process start → first prices evaluated in {seconds:0.0} s");
        }
        return 0;
    }

    public static async Task SeedAsync(Dictionary<string, string?> settings, int count)
    {
        await using var app = new BenchApp(settings);
        await using var scope = app.Services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        var table = new TableCommands(database, typeof(AlertRuleRecord));
        var random = new Random(42);
        var symbols = Enumerable.Range(0, 5000).Select(index => $"S{index:D5}").ToArray();
        var prices = symbols.ToDictionary(symbol => symbol, _ => (decimal)Math.Round(20 + random.NextDouble() * 480, 2));
        var now = DateTime.UtcNow;
        var started = Stopwatch.GetTimestamp();
        for (var written = 0; written < count; written += 20_000)
        {
            await using var transaction = await database.Database.BeginTransactionAsync();
            await table.InsertAsync(Enumerable.Range(written, Math.Min(20_000, count - written))
                .Select(index => AlertsBench.ToRecord(AlertsBench.MakeRule(random, symbols[index % symbols.Length], prices), now)).ToList(), CancellationToken.None);
            await transaction.CommitAsync();
            if ((written + 20_000) % 200_000 == 0)
            {
                Console.WriteLine($"  seeded {written + 20_000:N0} of {count:N0} rules ({Stopwatch.GetElapsedTime(started).TotalSeconds:0} s)");
            }
        }
    }

    private static async Task<double> StartAsync(string service, Dictionary<string, string?> settings, bool serverGc)
    {
        var start = new ProcessStartInfo("dotnet", [service]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        start.Environment["Logging__LogLevel__Default"] = "Information";
        start.Environment["URLS"] = "http://127.0.0.1:0";
        start.Environment["DOTNET_gcServer"] = serverGc ? "1" : "0";
        // Prices flow as in a real start (the simulated feed, polled every second by the in-process scheduler): the
        // start is over when the first of them has been evaluated.
        start.Environment["Jobs__Schedule"] = "true";
        start.Environment["Prices__Providers__simulated__Enabled"] = "true";
        // GC and JIT settings given to the bench go to the service too, to compare them.
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(name => name.StartsWith("DOTNET_GC", StringComparison.Ordinal) || name.StartsWith("DOTNET_T", StringComparison.Ordinal)))
        {
            start.Environment[name] = Environment.GetEnvironmentVariable(name);
        }
        var evaluated = new TaskCompletionSource<double>();
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text && (text.Contains("Alerts:", StringComparison.Ordinal) || text.Contains("Application started", StringComparison.Ordinal)))
            {
                // The service's CPU so far (both cores): steadier from run to run than the wall time.
                var cpu = text.Contains("rule index ready", StringComparison.Ordinal) ? $" (service CPU so far: {CpuSeconds(process):0.0} s)" : "";
                Console.WriteLine($"  {Stopwatch.GetElapsedTime(started).TotalSeconds,5:0.0} s {text.Trim()}{cpu}");
                // The service's own figure (from its process's start): a line can reach the bench late when a
                // collection pauses the service's logging right after it is written.
                if (Regex.Match(text, @"first prices evaluated .* ([0-9.]+) s after the process started") is { Success: true } first)
                {
                    evaluated.TrySetResult(double.Parse(first.Groups[1].Value, CultureInfo.InvariantCulture));
                }
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            return await evaluated.Task.WaitAsync(TimeSpan.FromMinutes(5));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static double CpuSeconds(Process process)
    {
        try
        {
            process.Refresh();
            return process.TotalProcessorTime.TotalSeconds;
        }
        catch (InvalidOperationException)
        {
            return double.NaN;
        }
    }

    /// <summary>The service as built in Release, which every bench that starts real processes runs.</summary>
    public static string ServiceDll() => Path.Combine(Repository(), "StockAlerts.Web", "bin", "Release", "net10.0", "StockAlerts.Web.dll");

    public static string Repository()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "StockAlerts.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException("Run the bench from the repository (StockAlerts.sln not found above it).");
    }
}
