using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace StockAlerts.Tests.Infrastructure;

/// <summary>
/// The service as a real process of its own (the build in the test output, started as `dotnet StockAlerts.Web.dll`),
/// for what only several processes can show: several instances, kills and restarts.
/// STOCKALERTS_TEST_HOST may name another build's StockAlerts.Web.dll, to run the same tests against it.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();

    private HostProcess(string name, Process process, Uri address)
    {
        ProcessId = process.Id;
        Name = name;
        this.process = process;
        Address = address;
    }

    public string Name { get; }

    public Uri Address { get; }

    /// <summary>The process id, part of the name the instance takes in a cluster.</summary>
    public int ProcessId { get; }

    public IEnumerable<string> Log => lines;

    /// <summary>
    /// Each error or critical line of the log with the line the console logger writes under it (the message), so a
    /// failed assertion says what went wrong, not only which category logged it.
    /// </summary>
    public IEnumerable<string> Errors()
    {
        var log = lines.ToList();
        return log.Select((line, index) => (line, index))
            .Where(entry => entry.line.Contains("fail:", StringComparison.Ordinal) || entry.line.Contains("crit:", StringComparison.Ordinal))
            .Select(entry => $"{Name}: {entry.line} {(entry.index + 1 < log.Count ? log[entry.index + 1].Trim() : "")}");
    }

    public static HostProcess Start(string name, IReadOnlyDictionary<string, string> environment)
    {
        var dll = Environment.GetEnvironmentVariable("STOCKALERTS_TEST_HOST") is { Length: > 0 } other
            ? other
            : Path.Combine(AppContext.BaseDirectory, "StockAlerts.Web.dll");
        var port = ExternalProcess.FreePort();
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["URLS"] = $"http://127.0.0.1:{port}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info)!;
        var host = new HostProcess(name, process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) { host.lines.Enqueue(line.Data); } };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) { host.lines.Enqueue(line.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ExternalProcess.Stop(process);
        return host;
    }

    public HttpClient CreateClient() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = CreateClient();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
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
        Assert.Fail($"{Name} did not become ready within {timeout.TotalSeconds} s:\n{string.Join('\n', lines)}");
    }

    public void Kill() => ExternalProcess.Stop(process);

    public async ValueTask DisposeAsync()
    {
        await ExternalProcess.TerminateAsync(process);
        process.Dispose();
    }
}
