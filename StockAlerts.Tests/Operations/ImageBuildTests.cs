using System.Text.RegularExpressions;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Operations;

/// <summary>
/// The image's build stage, replayed without a container engine from a checkout that was built and run (bin/obj,
/// a local database and keys, a secrets folder, .env): the build context is what .dockerignore lets through, and
/// the Dockerfile's own COPY and RUN lines run in a fresh folder with a package folder of their own, as in the
/// container, so that a build output or a local path carried in from the host fails it (NETSDK1064).
/// </summary>
[NonParallelizable]
public sealed partial class ImageBuildTests
{
    private string folder = null!;

    [OneTimeSetUp]
    public async Task CreateFolderAsync()
    {
        folder = Directory.CreateTempSubdirectory("stockalerts-image-").FullName;
        // Packages come from the machine's package folder as a local source (for the checkout and the container
        // below it), so the test needs no network.
        await File.WriteAllTextAsync(Path.Combine(folder, "NuGet.Config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="local" value="{Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages")}" /></packageSources></configuration>
            """);
    }

    [OneTimeTearDown]
    public void DeleteFolder() => Directory.Delete(folder, recursive: true);

    [Test]
    public async Task TheBuildStage_FromACheckoutThatWasBuiltAndRun_PublishesWithoutLocalFiles()
    {
        var checkout = await DirtyCheckoutAsync();
        var context = Path.Combine(folder, "context");
        var ignored = IgnorePatterns(await File.ReadAllLinesAsync(Path.Combine(checkout, ".dockerignore")));
        var sent = CopyContext(checkout, context, ignored);

        // The container's file system: the working directory and a package folder nobody restored into yet.
        var root = Path.Combine(folder, "container");
        var packages = Path.Combine(root, "nuget-packages");
        Directory.CreateDirectory(packages);
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages, ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" };
        var published = await ReplayBuildStageAsync(await File.ReadAllLinesAsync(Path.Combine(checkout, "Dockerfile")), context, root, environment);

        Assert.That(sent.Where(path => path == ".env" || Dirty.Any(dirt => path.Contains(dirt, StringComparison.Ordinal))), Is.Empty, "local files in the build context");
        Assert.That(sent.Sum(path => new FileInfo(Path.Combine(context, path)).Length), Is.LessThan(20_000_000), "the build context carries sources only");
        Assert.That(File.Exists(Path.Combine(published, "StockAlerts.Web.dll")), Is.True);
        Assert.That(File.Exists(Path.Combine(published, "wwwroot", "index.html")) || Directory.EnumerateFiles(published, "index.html", SearchOption.AllDirectories).Any(), Is.True, "the web app is published");
        Assert.That(Directory.EnumerateFileSystemEntries(published, "*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".db", StringComparison.Ordinal) || path.Contains("/keys/", StringComparison.Ordinal) || path.Contains("secrets", StringComparison.Ordinal)), Is.Empty);
    }

    private static readonly string[] Dirty = ["/bin/", "/obj/", "/data/", "/keys/", ".db", "secrets/"];

    /// <summary>A copy of the checkout with what building, testing and running it leaves behind.</summary>
    private async Task<string> DirtyCheckoutAsync()
    {
        var checkout = Path.Combine(folder, "checkout");
        var tracked = await Repository.RunAsync("git", ["ls-files", "-z"], Repository.Root);
        foreach (var path in tracked.Output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Select(path => path.Trim()).Where(path => path.Length > 0))
        {
            var source = Path.Combine(Repository.Root, path);
            if (File.Exists(source))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(checkout, path))!);
                File.Copy(source, Path.Combine(checkout, path));
            }
        }
        // A build by a developer: obj/ names their own package folder in project.assets.json (which the container
        // does not have: it is gone here once built), and bin/ holds the output.
        var developerPackages = Path.Combine(folder, "developer-packages");
        var built = await Repository.RunAsync("dotnet", ["build", "StockAlerts.Web/StockAlerts.Web.csproj", "-c", "Release", "--nologo", "-v", "quiet"], checkout,
            new Dictionary<string, string> { ["NUGET_PACKAGES"] = developerPackages });
        Assert.That(built.ExitCode, Is.Zero, built.Output);
        Directory.Delete(developerPackages, recursive: true);
        Directory.CreateDirectory(Path.Combine(checkout, "StockAlerts.Web", "data", "keys"));
        await File.WriteAllTextAsync(Path.Combine(checkout, "StockAlerts.Web", "data", "stockalerts.db"), "a local database");
        await File.WriteAllTextAsync(Path.Combine(checkout, "StockAlerts.Web", "data", "keys", "key-local.xml"), "<key />");
        Directory.CreateDirectory(Path.Combine(checkout, "secrets"));
        await File.WriteAllTextAsync(Path.Combine(checkout, "secrets", "firebase.json"), "{}");
        await File.WriteAllTextAsync(Path.Combine(checkout, ".env"), "DB_PASSWORD=local-secret");
        return checkout;
    }

    /// <summary>.dockerignore as Docker reads it: paths from the context root, ** for any folders, a folder excludes its content.</summary>
    private static List<Regex> IgnorePatterns(IEnumerable<string> lines) => lines
        .Select(line => line.Trim())
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line => line.TrimEnd('/'))
        .Select(pattern => new Regex("^" + Regex.Escape(pattern).Replace(@"\*\*/", "(.*/)?").Replace(@"\*\*", ".*").Replace(@"\*", "[^/]*").Replace(@"\?", "[^/]") + "$"))
        .ToList();

    private static List<string> CopyContext(string checkout, string context, List<Regex> ignored)
    {
        var sent = new List<string>();
        foreach (var file in Directory.EnumerateFiles(checkout, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(checkout, file).Replace('\\', '/');
            var segments = relative.Split('/');
            var prefixes = Enumerable.Range(1, segments.Length).Select(count => string.Join('/', segments.Take(count)));
            if (prefixes.Any(prefix => ignored.Any(pattern => pattern.IsMatch(prefix))))
            {
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(context, relative))!);
            File.Copy(file, Path.Combine(context, relative));
            sent.Add(relative);
        }
        return sent;
    }

    /// <summary>Runs the first stage's WORKDIR, COPY and RUN lines; the folder its publish wrote to (-o) is returned.</summary>
    private static async Task<string> ReplayBuildStageAsync(string[] dockerfile, string context, string root, Dictionary<string, string> environment)
    {
        var workdir = root;
        string? output = null;
        foreach (var line in dockerfile.Select(line => line.Trim()).SkipWhile(line => !line.StartsWith("FROM ", StringComparison.Ordinal)).Skip(1)
                     .TakeWhile(line => !line.StartsWith("FROM ", StringComparison.Ordinal)))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (parts.FirstOrDefault())
            {
                case "WORKDIR":
                    workdir = Path.Combine(root, parts[1].TrimStart('/'));
                    Directory.CreateDirectory(workdir);
                    break;
                case "COPY":
                    foreach (var source in parts[1..^1])
                    {
                        CopyInto(Path.Combine(context, source), Path.Combine(workdir, parts[^1]));
                    }
                    break;
                case "RUN":
                    var command = line["RUN ".Length..].Replace(" /app", " " + Path.Combine(root, "app"));
                    output = command.Contains(" -o ", StringComparison.Ordinal) ? Path.Combine(root, "app") : output;
                    var run = await Repository.RunAsync("bash", ["-c", command], workdir, environment);
                    Assert.That(run.ExitCode, Is.Zero, $"{line}\n{run.Output}");
                    break;
            }
        }
        return output ?? throw new InvalidOperationException("The build stage publishes nowhere (no -o).");
    }

    private static void CopyInto(string source, string target)
    {
        if (File.Exists(source))
        {
            Directory.CreateDirectory(target.EndsWith('/') ? target : Path.GetDirectoryName(target)!);
            File.Copy(source, target.EndsWith('/') || Directory.Exists(target) ? Path.Combine(target, Path.GetFileName(source)) : target, overwrite: true);
            return;
        }
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }
}
