using StockAlerts.Modules.Prices.Providers;
using StockAlerts.Tests.Fakes;

namespace StockAlerts.Tests.Prices.Providers;

public sealed class CurrencyLayerProviderTests
{
    private const string CurrencyLayer = "currencylayer";
    private FakeQuoteServer server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => server = await FakeQuoteServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await server.DisposeAsync();

    [SetUp]
    public void Reset() => server.Reset();

    private Dictionary<string, string?> Settings() => ProviderHarness.Settings(CurrencyLayer, $"{server.BaseUrl}/currencylayer");

    [Test]
    public async Task Fetch_WithUsdQuotes_ComputesEveryPairAsACrossRateThroughUsd()
    {
        server.CurrencyLayer = _ => FakeResponse.CurrencyLayerLive(FakeQuoteServer.Timestamp, ("USDEUR", "0.855856"), ("USDGBP", "0.740102"), ("USDJPY", "156.7231"));

        var result = await ProviderHarness.FetchAsync(Settings(), CurrencyLayer, "EURUSD", "EURGBP", "USDJPY", "GBPJPY");

        Assert.That(result.Error, Is.Null);
        Assert.That(result.NoData, Is.Empty);
        Assert.That(result.PricesBySymbol(), Is.EqualTo(new Dictionary<string, decimal>
        {
            ["EURUSD"] = TenDigits(1m / 0.855856m),
            ["EURGBP"] = TenDigits(0.740102m / 0.855856m),
            ["USDJPY"] = TenDigits(156.7231m / 1m),
            ["GBPJPY"] = TenDigits(156.7231m / 0.740102m),
        }));
        Assert.That(result.Quotes.Select(quote => quote.ProviderTime), Is.All.EqualTo(new DateTime(2026, 1, 7, 10, 40, 0, DateTimeKind.Utc)));
    }

    [Test]
    public async Task Fetch_SendsTheKeyAsAccessKeyAndAsksForUsdSourcedCurrencies()
    {
        await ProviderHarness.FetchAsync(Settings(), CurrencyLayer, "EURUSD", "EURGBP");

        var request = server.Requests.Single();
        Assert.That(request.Path, Is.EqualTo("/currencylayer/live"));
        Assert.That(request.Query["access_key"], Is.EqualTo(ProviderHarness.ApiKey));
        Assert.That(request.Query["currencies"], Is.EqualTo("EUR,GBP"));
        Assert.That(request.Query.ContainsKey("source"), Is.False);
    }

    [Test]
    public async Task Fetch_WithAQuoteInExponentForm_ReadsItAsAnExactDecimal()
    {
        server.CurrencyLayer = _ => FakeResponse.CurrencyLayerLive(FakeQuoteServer.Timestamp, ("USDEUR", "0.855856"), ("USDBTC", "1.0921e-5"));

        var result = await ProviderHarness.FetchAsync(Settings(), CurrencyLayer, "BTCUSD", "USDBTC", "EURBTC");

        Assert.That(result.PricesBySymbol(), Is.EqualTo(new Dictionary<string, decimal>
        {
            ["BTCUSD"] = TenDigits(1m / 0.000010921m),
            ["USDBTC"] = 0.000010921m,
            ["EURBTC"] = TenDigits(0.000010921m / 0.855856m),
        }));
    }

    [TestCase(101, "invalid_access_key", nameof(ProviderErrorKind.Configuration))]
    [TestCase(104, "usage_limit_reached", nameof(ProviderErrorKind.QuotaExhausted))]
    [TestCase(105, "function_access_restricted", nameof(ProviderErrorKind.Configuration))]
    [TestCase(202, "invalid_currency_codes", nameof(ProviderErrorKind.InvalidRequest))]
    public async Task Fetch_WithAnErrorInsideA200_ReportsItsKindAndCodeAndNoPrice(int code, string type, string expectedKind)
    {
        server.CurrencyLayer = _ => FakeResponse.ApilayerError(code, type, "You have not supplied a valid API Access Key.");

        var result = await ProviderHarness.FetchAsync(Settings(), CurrencyLayer, "EURUSD");

        Assert.That(result.Quotes, Is.Empty);
        Assert.That(result.Error?.Kind.ToString(), Is.EqualTo(expectedKind));
        Assert.That(result.Error?.Code, Is.EqualTo($"{code} {type}"));
    }

    [Test]
    public async Task Fetch_WithAnErrorWithoutTypeOrInfo_StillMapsTheCode()
    {
        server.CurrencyLayer = _ => FakeResponse.ApilayerError(104, null);

        var result = await ProviderHarness.FetchAsync(Settings(), CurrencyLayer, "EURUSD");

        Assert.That(result.Error?.Kind, Is.EqualTo(ProviderErrorKind.QuotaExhausted));
        Assert.That(result.Error?.Code, Is.EqualTo("104"));
    }

    [Test]
    public async Task Fetch_When429WithRetryAfter_ReportsRateLimitedWithThatDelay()
    {
        server.CurrencyLayer = _ => FakeResponse.Json("""{"message":"API rate limit exceeded"}""", 429).WithHeader("Retry-After", "45");

        var result = await ProviderHarness.FetchAsync(Settings(), CurrencyLayer, "EURUSD");

        Assert.That(result.Error?.Kind, Is.EqualTo(ProviderErrorKind.RateLimited));
        Assert.That(result.Error?.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(45)));
    }

    [Test]
    public async Task Fetch_When5xx_ReportsTransient()
    {
        server.CurrencyLayer = _ => FakeResponse.ServerError(500);

        var result = await ProviderHarness.FetchAsync(Settings(), CurrencyLayer, "EURUSD");

        Assert.That(result.Quotes, Is.Empty);
        Assert.That(result.Error?.Kind, Is.EqualTo(ProviderErrorKind.Transient));
        Assert.That(result.Error?.Code, Is.EqualTo("http 500"));
    }

    [Test]
    public async Task Fetch_WithMalformedJson_ReportsTransientAndNoQuotes()
    {
        server.CurrencyLayer = _ => FakeResponse.Json("""{"success":true,"source":"USD","quotes":{"USDEUR":""");

        var result = await ProviderHarness.FetchAsync(Settings(), CurrencyLayer, "EURUSD");

        Assert.That(result.Quotes, Is.Empty);
        Assert.That(result.Error?.Kind, Is.EqualTo(ProviderErrorKind.Transient));
        Assert.That(result.Error?.Code, Is.EqualTo("malformed"));
    }

    [Test]
    public async Task Fetch_WhenTheServerDoesNotAnswerInTime_ReportsATransientTimeout()
    {
        server.CurrencyLayer = _ => FakeResponse.Hang(TimeSpan.FromSeconds(10));

        var result = await ProviderHarness.FetchAsync(Settings().WithShortTimeouts(CurrencyLayer), CurrencyLayer, "EURUSD");

        Assert.That(result.Error?.Kind, Is.EqualTo(ProviderErrorKind.Transient));
        Assert.That(result.Error?.Code, Is.EqualTo("timeout"));
    }

    [Test]
    public async Task Fetch_WithAZeroQuote_NeverProducesAPriceAtOrBelowZero()
    {
        server.CurrencyLayer = _ => FakeResponse.CurrencyLayerLive(FakeQuoteServer.Timestamp, ("USDEUR", "0"), ("USDGBP", "0.740102"));

        var result = await ProviderHarness.FetchAsync(Settings(), CurrencyLayer, "EURUSD", "EURGBP", "GBPUSD");

        Assert.That(result.Quotes.Select(quote => quote.Price), Is.All.GreaterThan(0m));
        Assert.That(result.PricesBySymbol().Keys, Is.EquivalentTo(new[] { "GBPUSD" }));
        Assert.That(result.NoData, Is.EquivalentTo(new[] { "EURUSD", "EURGBP" }));
    }

    /// <summary>Cross rates are rounded to ten significant digits.</summary>
    private static decimal TenDigits(decimal value) =>
        Math.Round(value, Math.Clamp(9 - (int)Math.Floor(Math.Log10((double)value)), 0, 20));
}
