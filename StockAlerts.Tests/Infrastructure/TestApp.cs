using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace StockAlerts.Tests.Infrastructure;

/// <summary>The real host, in memory, on SQLite or on MariaDB + Redis, with its own database.</summary>
internal sealed class TestApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings;
    private readonly string dataDirectory;
    private readonly string? mySqlConnectionString;

    private Action<IServiceCollection>? replaceServices;

    private TestApp(StorageKind storage, Dictionary<string, string?> settings, string dataDirectory, string? mySqlConnectionString)
    {
        Storage = storage;
        this.settings = settings;
        this.dataDirectory = dataDirectory;
        this.mySqlConnectionString = mySqlConnectionString;
    }

    private static int redisDatabase;

    public StorageKind Storage { get; }

    public IReadOnlyDictionary<string, string?> Settings => settings;

    public static async Task<TestApp> StartAsync(StorageKind storage, IReadOnlyDictionary<string, string?>? overrides = null, Action<IServiceCollection>? replaceServices = null)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("stockalerts-app-").FullName;
        var settings = new Dictionary<string, string?> { ["Storage:DataDirectory"] = dataDirectory };
        string? mySql = null;
        if (storage == StorageKind.MariaDb)
        {
            mySql = await TestServers.MariaDb.CreateDatabaseAsync();
            settings["Database:Provider"] = "MySql";
            settings["ConnectionStrings:Database"] = mySql;
            // Each app its own Redis database, so one fixture's prices never leak into another's.
            settings["ConnectionStrings:Redis"] = $"{TestServers.Redis.ConnectionString},defaultDatabase={Interlocked.Increment(ref redisDatabase) % 63 + 1}";
        }
        // Tests drive the price jobs themselves unless they ask for the schedule; the feed still ticks when they do.
        settings["Jobs:Schedule"] = "false";
        // No test may reach Finnhub's real socket; FinnhubStreamTests turn the stream on against a local fake.
        settings["Prices:Providers:finnhub:Stream:Enabled"] = "false";
        // Every test client shares one address; the limits get a test of their own.
        settings["RateLimits:AuthPerMinute"] = "100000";
        settings["RateLimits:PerAddressPerMinute"] = "100000";
        settings["RateLimits:PerUserPerMinute"] = "100000";
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = new TestApp(storage, settings, dataDirectory, mySql) { replaceServices = replaceServices };
        _ = app.Server;
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        if (replaceServices is not null)
        {
            builder.ConfigureServices(replaceServices);
        }
    }

    public async Task<HttpClient> SignInAsync(string? email = null, string password = "Correct-Horse-42")
    {
        email ??= $"user-{Guid.NewGuid():N}@example.com";
        var client = CreateClient();
        var registered = await client.PostAsJsonAsync("/api/auth/register", new { email, password });
        registered.EnsureSuccessStatusCode();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await LoginAsync(client, email, password));
        return client;
    }

    /// <summary>A new user made admin (as `users make-admin` does), signed in afterwards so the token carries the role.</summary>
    public async Task<HttpClient> SignInAdminAsync()
    {
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        var client = CreateClient();
        (await client.PostAsJsonAsync("/api/auth/register", new { email, password = "Correct-Horse-42" })).EnsureSuccessStatusCode();
        await StockAlerts.Web.Identity.UsersSetup.MakeAdminAsync(Services, email);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await LoginAsync(client, email, "Correct-Horse-42"));
        return client;
    }

    public static async Task<string> LoginAsync(HttpClient client, string email, string password)
    {
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        response.EnsureSuccessStatusCode();
        var tokens = await response.Content.ReadFromJsonAsync<TokenResponse>();
        return tokens!.AccessToken;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (mySqlConnectionString is not null)
        {
            await TestServers.MariaDb.DropDatabaseAsync(mySqlConnectionString);
        }
        try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
    }

    internal sealed record TokenResponse(string TokenType, string AccessToken, long ExpiresIn, string RefreshToken);
}
