using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using StockAlerts.Web.Infrastructure;

namespace StockAlerts.Tests.Host;

/// <summary>
/// Keys, databases and secrets are per installation: nothing of the kind may be tracked by git, or every copy of the
/// project would trust what anyone with the code can make.
/// </summary>
public sealed partial class RepositoryHygieneTests
{
    private static readonly Lazy<(string Root, IReadOnlyList<string> Files)> Tracked = new(ListTrackedFiles);

    [Test]
    public void Git_TracksNoDataFolderDatabaseKeyOrCertificate()
    {
        var offending = Tracked.Value.Files.Where(path => ForbiddenPath().IsMatch(path)).ToList();

        Assert.That(offending, Is.Empty, "data folders, database files, key rings and certificates belong to an installation, not to the repository");
    }

    [Test]
    public void TrackedFiles_HoldNoPrivateKeyNorDataProtectionKey()
    {
        var offending = TextFiles()
            .Where(file => PrivateMaterial().IsMatch(File.ReadAllText(Path.Combine(Tracked.Value.Root, file))))
            .ToList();

        Assert.That(offending, Is.Empty, "tests make their keys at run time; real keys never enter the repository");
    }

    [Test]
    public void ShippedConfiguration_HoldsNoRealSecret()
    {
        var files = Tracked.Value.Files.Where(path => ConfigurationFile().IsMatch(Path.GetFileName(path))).ToList();
        var offending = new List<string>();
        foreach (var file in files)
        {
            var text = File.ReadAllText(Path.Combine(Tracked.Value.Root, file));
            var settings = file.EndsWith(".json", StringComparison.Ordinal) ? JsonSettings(text) : LineSettings(text);
            offending.AddRange(settings
                .Where(setting => SecretName().IsMatch(setting.Name) && !IsPlaceholder(setting.Value))
                .Select(setting => $"{file}: {setting.Name}"));
        }

        Assert.That(files, Is.Not.Empty);
        Assert.That(offending, Is.Empty, "a shipped setting that holds a secret must be empty, a ${VARIABLE} or an example value the service refuses");
    }

    private static bool IsPlaceholder(string value) =>
        string.IsNullOrWhiteSpace(value) || value is "yes" or "no" or "true" or "false" || value.StartsWith("${", StringComparison.Ordinal) || value.StartsWith("/run/secrets/", StringComparison.Ordinal)
        || ProductionSecrets.IsExample(value);

    private static IEnumerable<string> TextFiles() =>
        Tracked.Value.Files.Where(path => !BinaryFile().IsMatch(path) && File.Exists(Path.Combine(Tracked.Value.Root, path)));

    private static IEnumerable<(string Name, string Value)> JsonSettings(string text)
    {
        using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return Flatten(document.RootElement, "").ToList();
    }

    private static IEnumerable<(string Name, string Value)> Flatten(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    foreach (var setting in Flatten(property.Value, path.Length == 0 ? property.Name : $"{path}:{property.Name}"))
                    {
                        yield return setting;
                    }
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var setting in Flatten(item, $"{path}:{index++}"))
                    {
                        yield return setting;
                    }
                }
                break;
            default:
                yield return (path, element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText());
                break;
        }
    }

    // NAME=value and NAME: value lines (.env files, compose environments); connection strings give their password.
    private static IEnumerable<(string Name, string Value)> LineSettings(string text)
    {
        foreach (Match match in SettingLine().Matches(text))
        {
            var name = match.Groups["name"].Value;
            var value = match.Groups["value"].Value.Trim().Trim('"', '\'');
            yield return (name, value);
            if (ConnectionPassword().Match(value) is { Success: true } password)
            {
                yield return (name + ":Password", password.Groups["password"].Value);
            }
        }
    }

    private static (string Root, IReadOnlyList<string> Files) ListTrackedFiles()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !Directory.Exists(Path.Combine(folder.FullName, ".git")) && !File.Exists(Path.Combine(folder.FullName, ".git")))
        {
            folder = folder.Parent;
        }
        if (folder is null)
        {
            Assert.Fail("The tests run from a git checkout of StockAlerts (they check what git tracks); none was found above the test output.");
        }
        var info = new ProcessStartInfo("git", ["-C", folder!.FullName, "ls-files", "-z"]) { RedirectStandardOutput = true };
        using var git = Process.Start(info)!;
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.That(git.ExitCode, Is.Zero, "git ls-files");
        return (folder.FullName, output.Split('\0', StringSplitOptions.RemoveEmptyEntries));
    }

    [GeneratedRegex(@"(^|/)data/|(^|/)keys/key-[^/]*\.xml$|\.(db|db-wal|db-shm|sqlite|sqlite3)$|\.(pfx|p12|key)$|(^|/)\.env$|(^|/)(bin|obj)/")]
    private static partial Regex ForbiddenPath();

    // Split so that this file does not match itself.
    [GeneratedRegex(@"<master" + @"Key\b|-----BEGIN (RSA |EC |ENCRYPTED |OPENSSH )?PRIVATE KEY-----|""private_key""\s*:\s*""-----BEGIN")]
    private static partial Regex PrivateMaterial();

    [GeneratedRegex(@"^(appsettings.*\.json|launchSettings\.json|compose.*\.ya?ml|docker-compose.*\.ya?ml|\.env.*)$")]
    private static partial Regex ConfigurationFile();

    [GeneratedRegex(@"(secret|token|password|passwd|pwd|apikey|api_key|privatekey|private_key)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"^\s*(-\s*)?(?<name>[A-Za-z_][A-Za-z0-9_:.]*)\s*[=:]\s*(?<value>[^\n#]*)", RegexOptions.Multiline)]
    private static partial Regex SettingLine();

    [GeneratedRegex(@"(?:^|;)\s*(?:password|pwd)\s*=\s*(?<password>[^;]*)", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionPassword();

    [GeneratedRegex(@"\.(png|jpg|jpeg|gif|ico|woff2?|ttf|pdf|zip|gz|dll|exe)$", RegexOptions.IgnoreCase)]
    private static partial Regex BinaryFile();
}
