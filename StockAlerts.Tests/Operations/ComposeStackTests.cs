using System.Text.RegularExpressions;
using StackExchange.Redis;
using StockAlerts.Tests.Infrastructure;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace StockAlerts.Tests.Operations;

/// <summary>
/// compose.yaml and .env.example as shipped, without a container engine: the file's promises are read from it
/// (pinned images, restarts, health-gated start, one build, a volume per replica, push optional, a proxy in front),
/// and both replicas are started as real processes with exactly the environment compose would give them from
/// .env.example; only the host names db and redis point at the test servers.
/// </summary>
[NonParallelizable]
public sealed partial class ComposeStackTests
{
    private YamlMappingNode services = null!;
    private Dictionary<string, string> example = null!;

    [OneTimeSetUp]
    public void Read()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Repository.Root, "compose.yaml")))
        {
            yaml.Load(new MergingParser(new Parser(reader)));
        }
        services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
        example = File.ReadAllLines(Path.Combine(Repository.Root, ".env.example"))
            .Where(line => line.Contains('=') && !line.TrimStart().StartsWith('#'))
            .ToDictionary(line => line[..line.IndexOf('=')].Trim(), line => line[(line.IndexOf('=') + 1)..].Trim());
    }

    [Test]
    public void TheStack_PinsImages_Restarts_StartsInOrder_BuildsOnce_AndNeedsNoPushKey()
    {
        var all = services.Children.ToDictionary(entry => ((YamlScalarNode)entry.Key).Value!, entry => (YamlMappingNode)entry.Value);
        var apps = all.Where(service => service.Key.StartsWith("app", StringComparison.Ordinal)).ToList();

        Assert.That(apps, Has.Count.GreaterThanOrEqualTo(2));
        foreach (var (name, service) in all)
        {
            Assert.That(Scalar(service, "restart"), Is.EqualTo("unless-stopped").Or.EqualTo("always"), name);
            Assert.That(service.Children.ContainsKey("secrets"), Is.False, $"{name} must start without a Firebase key");
            if (!service.Children.ContainsKey("build"))
            {
                Assert.That(Scalar(service, "image"), Does.Match(@":\d+(\.\d+)+|:local$"), $"{name}: a floating image tag");
            }
        }
        Assert.That(apps.Count(app => app.Value.Children.ContainsKey("build")), Is.EqualTo(1), "the image is built once");
        Assert.That(apps.Select(app => Scalar(app.Value, "image")).Distinct().Count(), Is.EqualTo(1), "every replica runs that image");
        Assert.That(apps.Select(app => ((YamlSequenceNode)app.Value["volumes"]).Children[0].ToString().Split(':')[0]).Distinct().Count(), Is.EqualTo(apps.Count), "a data volume per replica");
        foreach (var (name, app) in apps)
        {
            var dependsOn = (YamlMappingNode)app["depends_on"];
            Assert.That(dependsOn.Children.Values.Select(condition => Scalar((YamlMappingNode)condition, "condition")), Is.All.EqualTo("service_healthy"), name);
            Assert.That(app.Children.ContainsKey("ports"), Is.False, $"{name} is reached through the proxy only");
        }
        var proxy = all.Single(service => service.Value.Children.ContainsKey("ports")).Value;
        Assert.That(((YamlMappingNode)proxy["depends_on"]).Children.Keys.Select(key => key.ToString()), Is.EquivalentTo(apps.Select(app => app.Key)));
    }

    [Test]
    public async Task TheReplicas_WithTheEnvironmentFromEnvExample_StartTogether()
    {
        var database = await TestServers.MariaDb.CreateDatabaseAsync();
        await using var redis = await RedisServer.StartOwnAsync(appendOnly: false);
        var apps = services.Children.Where(entry => entry.Key.ToString().StartsWith("app", StringComparison.Ordinal)).ToList();
        var hosts = apps.Select(app => HostProcess.Start($"compose-{app.Key}", EnvironmentOf((YamlMappingNode)app.Value, database, redis.ConnectionString))).ToList();
        try
        {
            await Task.WhenAll(hosts.Select(host => host.WaitUntilReadyAsync(TimeSpan.FromSeconds(120))));
            using var http = hosts[^1].CreateClient();
            // Through a proxy address the service trusts, as Caddy's would be: the forwarded client address counts.
            using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
            request.Headers.Add("X-Forwarded-For", "203.0.113.50");

            Assert.That((await http.SendAsync(request)).IsSuccessStatusCode, Is.True);
            Assert.That(hosts.SelectMany(host => host.Errors()), Is.Empty);
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
            await TestServers.MariaDb.DropDatabaseAsync(database);
        }
    }

    /// <summary>The service's environment as compose resolves it from .env, with db and redis pointed at the test servers.</summary>
    private Dictionary<string, string> EnvironmentOf(YamlMappingNode app, string database, string redis)
    {
        var environment = ((YamlMappingNode)app["environment"]).Children.ToDictionary(entry => entry.Key.ToString(), entry => Resolve(entry.Value.ToString()));
        environment["ConnectionStrings__Database"] = database;
        environment["ConnectionStrings__Redis"] = redis;
        // The image's own environment (Dockerfile ENV), with a data folder of this process's own.
        environment["Storage__DataDirectory"] = Directory.CreateTempSubdirectory("stockalerts-compose-").FullName;
        // The proxy reaches the replicas from the compose network; here that is loopback.
        environment["ForwardedHeaders__KnownProxies__0"] = "127.0.0.1";
        return environment;
    }

    private string Resolve(string value) => Variable().Replace(value, match =>
        example.TryGetValue(match.Groups["name"].Value, out var set) && set.Length > 0 ? set
        : match.Groups["operator"].Value == ":-" ? match.Groups["default"].Value
        : throw new InvalidOperationException($"compose needs {match.Groups["name"].Value} and .env.example leaves it empty"));

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    [GeneratedRegex(@"\$\{(?<name>[A-Z_]+)(?<operator>:-|:\?)(?<default>[^}]*)\}")]
    private static partial Regex Variable();
}
