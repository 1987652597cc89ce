using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace StockAlerts.Tests.Infrastructure;

/// <summary>Finds a machine binary, starts it, and guarantees it dies with the test run.</summary>
internal static class ExternalProcess
{
    private static readonly string[] SearchFolders = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/sbin"];

    public static string Find(string name, string debianPackage)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(SearchFolders)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
        return path ?? throw new InvalidOperationException(
            $"'{name}' was not found. The tests run against a real server: install it with 'sudo apt-get install -y {debianPackage}' (./test.sh does this for you).");
    }

    public static Process Start(string fileName, IEnumerable<string> arguments, string logFile)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) { lock (log) { log.WriteLine(line.Data); } } };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) { lock (log) { log.WriteLine(line.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(process);
        return process;
    }

    public static async Task<int> RunAsync(string fileName, params string[] arguments)
    {
        using var process = Start(fileName, arguments, Path.Combine(Path.GetTempPath(), "stockalerts-tests-commands.log"));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return process.ExitCode;
    }

    public static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>SIGTERM, then up to 30 s for a clean exit, then SIGKILL.</summary>
    public static async Task TerminateAsync(Process process)
    {
        if (process.HasExited)
        {
            return;
        }
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            Stop(process);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> ready, TimeSpan timeout, string what, string logFile)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await ready())
            {
                return;
            }
            await Task.Delay(100);
        }
        var log = File.Exists(logFile) ? File.ReadAllText(logFile) : "(no log)";
        throw new InvalidOperationException($"{what} did not become ready within {timeout.TotalSeconds} s. Its log:\n{log}");
    }
}
