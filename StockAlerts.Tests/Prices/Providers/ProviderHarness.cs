using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StockAlerts.Modules.Prices.Providers;

namespace StockAlerts.Tests.Prices.Providers;

/// <summary>Builds the providers the way the app does (AddHttpPriceProviders over configuration), pointed at a fake.</summary>
internal static class ProviderHarness
{
    public const string ApiKey = "test-key-7f3a";

    /// <summary>Short timeouts and retry waits keep a test of retries and timeouts to about a second.</summary>
    public static Dictionary<string, string?> Settings(string provider, string baseUrl, bool keyInHeader = false) => new()
    {
        [$"Prices:Providers:{provider}:Enabled"] = "true",
        [$"Prices:Providers:{provider}:BaseUrl"] = baseUrl,
        [$"Prices:Providers:{provider}:ApiKey"] = ApiKey,
        [$"Prices:Providers:{provider}:KeyInHeader"] = keyInHeader ? "true" : "false",
        [$"Prices:Providers:{provider}:AttemptTimeout"] = "00:00:01",
        [$"Prices:Providers:{provider}:TotalTimeout"] = "00:00:03",
        [$"Prices:Providers:{provider}:RetryDelay"] = "00:00:00.010",
    };

    /// <summary>For the timeout tests: attempts give up well before the fake answers.</summary>
    public static Dictionary<string, string?> WithShortTimeouts(this Dictionary<string, string?> settings, string provider)
    {
        settings[$"Prices:Providers:{provider}:AttemptTimeout"] = "00:00:00.250";
        settings[$"Prices:Providers:{provider}:TotalTimeout"] = "00:00:00.600";
        return settings;
    }

    public static ServiceProvider Build(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHttpPriceProviders(configuration);
        return services.BuildServiceProvider();
    }

    public static async Task<ProviderResult> FetchAsync(Dictionary<string, string?> settings, string provider, params string[] symbols)
    {
        await using var services = Build(settings);
        var priceProvider = services.GetServices<IPriceProvider>().Single(candidate => candidate.Name == provider);
        return await priceProvider.FetchAsync(symbols, CancellationToken.None);
    }

    public static Dictionary<string, decimal> PricesBySymbol(this ProviderResult result) =>
        result.Quotes.ToDictionary(quote => quote.Symbol, quote => quote.Price);
}
