using StockAlerts.Modules.Prices.Providers;
using StockAlerts.Tests.Fakes;

namespace StockAlerts.Tests.Prices.Providers;

public sealed class FixerProviderTests
{
    private const string Fixer = "fixer";
    private FakeQuoteServer server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => server = await FakeQuoteServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await server.DisposeAsync();

    [SetUp]
    public void Reset() => server.Reset();

    private Dictionary<string, string?> Classic() => ProviderHarness.Settings(Fixer, $"{server.BaseUrl}/fixer");

    private Dictionary<string, string?> Apilayer() => ProviderHarness.Settings(Fixer, $"{server.BaseUrl}/apilayer/fixer", keyInHeader: true);

    [Test]
    public async Task Fetch_WithEurRates_ComputesEveryPairAsACrossRateThroughEur()
    {
        server.Fixer = _ => FakeResponse.FixerLatest(FakeQuoteServer.Timestamp, ("USD", "1.168421"), ("GBP", "0.864210"), ("JPY", "183.120044"));

        var result = await ProviderHarness.FetchAsync(Classic(), Fixer, "EURUSD", "GBPUSD", "USDJPY", "EURGBP");

        Assert.That(result.Error, Is.Null);
        Assert.That(result.NoData, Is.Empty);
        Assert.That(result.PricesBySymbol(), Is.EqualTo(new Dictionary<string, decimal>
        {
            ["EURUSD"] = TenDigits(1.168421m / 1m),
            ["GBPUSD"] = TenDigits(1.168421m / 0.864210m),
            ["USDJPY"] = TenDigits(183.120044m / 1.168421m),
            ["EURGBP"] = TenDigits(0.864210m / 1m),
        }));
        Assert.That(result.Quotes.Select(quote => quote.ProviderTime), Is.All.EqualTo(new DateTime(2026, 1, 7, 10, 40, 0, DateTimeKind.Utc)));
        Assert.That(result.Quotes.Select(quote => quote.ProviderTime.Kind), Is.All.EqualTo(DateTimeKind.Utc));
    }

    [Test]
    public async Task Fetch_OnTheClassicHost_SendsTheKeyAsAccessKeyAndAsksOnlyForTheNeededCurrencies()
    {
        await ProviderHarness.FetchAsync(Classic(), Fixer, "GBPUSD", "USDJPY", "EURGBP");

        var request = server.Requests.Single();
        Assert.That(request.Path, Is.EqualTo("/fixer/latest"));
        Assert.That(request.Query["access_key"], Is.EqualTo(ProviderHarness.ApiKey));
        Assert.That(request.Query["symbols"], Is.EqualTo("GBP,JPY,USD"));
        Assert.That(request.Query.ContainsKey("base"), Is.False);
        Assert.That(request.Headers.ContainsKey("apikey"), Is.False);
    }

    [Test]
    public async Task Fetch_OnTheApilayerHost_SendsTheKeyInTheApikeyHeaderOnly()
    {
        var result = await ProviderHarness.FetchAsync(Apilayer(), Fixer, "GBPUSD");

        var request = server.Requests.Single();
        Assert.That(request.Path, Is.EqualTo("/apilayer/fixer/latest"));
        Assert.That(request.Headers["apikey"], Is.EqualTo(ProviderHarness.ApiKey));
        Assert.That(request.Query.ContainsKey("access_key"), Is.False);
        Assert.That(result.PricesBySymbol(), Is.EqualTo(new Dictionary<string, decimal> { ["GBPUSD"] = TenDigits(1.168421m / 0.864210m) }));
    }

    [Test]
    public async Task Fetch_WithRatesInExponentForm_ReadsThemAsExactDecimals()
    {
        server.Fixer = _ => FakeResponse.FixerLatest(FakeQuoteServer.Timestamp, ("USD", "1.168421"), ("BTC", "1.0921e-5"));

        var result = await ProviderHarness.FetchAsync(Classic(), Fixer, "BTCUSD", "EURBTC");

        Assert.That(result.PricesBySymbol(), Is.EqualTo(new Dictionary<string, decimal>
        {
            ["BTCUSD"] = TenDigits(1.168421m / 0.000010921m),
            ["EURBTC"] = 0.000010921m,
        }));
    }

    [TestCase(101, "invalid_access_key", nameof(ProviderErrorKind.Configuration))]
    [TestCase(102, "inactive_user", nameof(ProviderErrorKind.Configuration))]
    [TestCase(104, "usage_limit_reached", nameof(ProviderErrorKind.QuotaExhausted))]
    [TestCase(105, "base_currency_access_restricted", nameof(ProviderErrorKind.Configuration))]
    [TestCase(201, "invalid_base_currency", nameof(ProviderErrorKind.InvalidRequest))]
    [TestCase(202, "invalid_currency_codes", nameof(ProviderErrorKind.InvalidRequest))]
    [TestCase(999, "something_new", nameof(ProviderErrorKind.Transient))]
    public async Task Fetch_WithAnErrorInsideA200_ReportsItsKindAndCodeAndNoPrice(int code, string type, string expectedKind)
    {
        server.Fixer = _ => FakeResponse.ApilayerError(code, type, "Details from the provider.");

        var result = await ProviderHarness.FetchAsync(Classic(), Fixer, "EURUSD", "GBPUSD");

        Assert.That(result.Quotes, Is.Empty);
        Assert.That(result.Error?.Kind.ToString(), Is.EqualTo(expectedKind));
        Assert.That(result.Error?.Code, Is.EqualTo($"{code} {type}"));
        Assert.That(result.Error?.Message, Is.EqualTo("Details from the provider."));
    }

    [Test]
    public async Task Fetch_WithAn105ErrorWithoutInfo_ReportsAConfigurationError()
    {
        server.Fixer = _ => FakeResponse.ApilayerError(105, "https_access_restricted");

        var result = await ProviderHarness.FetchAsync(Classic(), Fixer, "EURUSD");

        Assert.That(result.Quotes, Is.Empty);
        Assert.That(result.Error?.Kind, Is.EqualTo(ProviderErrorKind.Configuration));
        Assert.That(result.Error?.Code, Is.EqualTo("105 https_access_restricted"));
    }

    [Test]
    public async Task Fetch_WithAnErrorCarryingOnlyACode_ReportsTheBareCode()
    {
        server.Fixer = _ => FakeResponse.ApilayerError(105, null);

        var result = await ProviderHarness.FetchAsync(Classic(), Fixer, "EURUSD");

        Assert.That(result.Error?.Kind, Is.EqualTo(ProviderErrorKind.Configuration));
        Assert.That(result.Error?.Code, Is.EqualTo("105"));
    }

    [Test]
    public async Task Fetch_WithAStringErrorCode_MapsItBySlug()
    {
        server.Fixer = _ => FakeResponse.ApilayerError("base_currency_access_restricted", null);

        var result = await ProviderHarness.FetchAsync(Classic(), Fixer, "EURUSD");

        Assert.That(result.Error?.Kind, Is.EqualTo(ProviderErrorKind.Configuration));
        Assert.That(result.Error?.Code, Is.EqualTo("base_currency_access_restricted"));
    }

    [Test]
    public async Task Fetch_With106NoResults_ReportsEveryPairAsNoDataWithoutAnError()
    {
        server.Fixer = _ => FakeResponse.ApilayerError(106, "no_rates_available");

        var result = await ProviderHarness.FetchAsync(Classic(), Fixer, "EURUSD", "GBPUSD");

        Assert.That(result.Quotes, Is.Empty);
        Assert.That(result.NoData, Is.EquivalentTo(new[] { "EURUSD", "GBPUSD" }));
        Assert.That(result.Error, Is.Null);
    }

    [Test]
    public async Task Fetch_WhenACurrencyIsMissingOrNotPositive_ReportsThosePairsAsNoData()
    {
        server.Fixer = _ => FakeResponse.FixerLatest(FakeQuoteServer.Timestamp, ("USD", "1.168421"), ("GBP", "0"), ("CHF", "-0.93"));

        var result = await ProviderHarness.FetchAsync(Classic(), Fixer, "EURUSD", "GBPUSD", "USDJPY", "USDCHF");

        Assert.That(result.PricesBySymbol().Keys, Is.EquivalentTo(new[] { "EURUSD" }));
        Assert.That(result.NoData, Is.EquivalentTo(new[] { "GBPUSD", "USDJPY", "USDCHF" }));
        Assert.That(result.Quotes.Select(quote => quote.Price), Is.All.GreaterThan(0m));
    }

    [Test]
    public async Task Fetch_WithASymbolThatIsNotACurrencyPair_ReportsItAsNoDataWithoutAsking()
    {
        var result = await ProviderHarness.FetchAsync(Classic(), Fixer, "AAPL");

        Assert.That(result.NoData, Is.EqualTo(new[] { "AAPL" }));
        Assert.That(result.Error, Is.Null);
        Assert.That(server.Requests, Is.Empty);
    }

    [Test]
    public async Task Fetch_WhenTheGatewayAnswers429WithRetryAfter_ReportsRateLimitedWithoutRetrying()
    {
        server.Fixer = _ => FakeResponse.Json("""{"message":"API rate limit exceeded"}""", 429).WithHeader("Retry-After", "30");

        var result = await ProviderHarness.FetchAsync(Apilayer(), Fixer, "EURUSD");

        Assert.That(result.Quotes, Is.Empty);
        Assert.That(result.Error?.Kind, Is.EqualTo(ProviderErrorKind.RateLimited));
        Assert.That(result.Error?.Code, Is.EqualTo("http 429"));
        Assert.That(result.Error?.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(server.Requests, Has.Count.EqualTo(1));
    }

    [TestCase(401)]
    [TestCase(403)]
    public async Task Fetch_WhenTheGatewayRefusesTheKey_ReportsAConfigurationError(int status)
    {
        server.Fixer = _ => FakeResponse.Json("""{"message":"Invalid authentication credentials"}""", status);

        var result = await ProviderHarness.FetchAsync(Apilayer(), Fixer, "EURUSD");

        Assert.That(result.Error?.Kind, Is.EqualTo(ProviderErrorKind.Configuration));
        Assert.That(result.Error?.Code, Is.EqualTo($"http {status}"));
        Assert.That(result.Error?.Message, Is.EqualTo("Invalid authentication credentials"));
    }

    [Test]
    public async Task Fetch_WhenTheServerKeepsFailingWith5xx_RetriesTwiceThenReportsTransient()
    {
        server.Fixer = _ => FakeResponse.ServerError(503);

        var result = await ProviderHarness.FetchAsync(Classic(), Fixer, "EURUSD");

        Assert.That(result.Quotes, Is.Empty);
        Assert.That(result.Error?.Kind, Is.EqualTo(ProviderErrorKind.Transient));
        Assert.That(result.Error?.Code, Is.EqualTo("http 503"));
        Assert.That(server.Requests, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task Fetch_WhenA5xxIsFollowedBySuccess_ReturnsThePrices()
    {
        var calls = 0;
        server.Fixer = _ => Interlocked.Increment(ref calls) == 1
            ? FakeResponse.ServerError(502)
            : FakeResponse.FixerLatest(FakeQuoteServer.Timestamp, ("USD", "1.168421"));

        var result = await ProviderHarness.FetchAsync(Classic(), Fixer, "EURUSD");

        Assert.That(result.Error, Is.Null);
        Assert.That(result.PricesBySymbol(), Is.EqualTo(new Dictionary<string, decimal> { ["EURUSD"] = 1.168421m }));
    }

    [Test]
    public async Task Fetch_WithMalformedJson_ReportsTransientAndNoQuotes()
    {
        server.Fixer = _ => FakeResponse.Malformed();

        var result = await ProviderHarness.FetchAsync(Classic(), Fixer, "EURUSD");

        Assert.That(result.Quotes, Is.Empty);
        Assert.That(result.Error?.Kind, Is.EqualTo(ProviderErrorKind.Transient));
        Assert.That(result.Error?.Code, Is.EqualTo("malformed"));
    }

    [Test]
    public async Task Fetch_WhenTheServerDoesNotAnswerInTime_ReportsATransientTimeout()
    {
        server.Fixer = _ => FakeResponse.Hang(TimeSpan.FromSeconds(10));

        var result = await ProviderHarness.FetchAsync(Classic().WithShortTimeouts(Fixer), Fixer, "EURUSD");

        Assert.That(result.Quotes, Is.Empty);
        Assert.That(result.Error?.Kind, Is.EqualTo(ProviderErrorKind.Transient));
        Assert.That(result.Error?.Code, Is.EqualTo("timeout"));
    }

    [Test]
    public async Task Fetch_NeverPutsTheKeyInAnErrorMessage()
    {
        server.Fixer = _ => FakeResponse.Json($$"""{"message":"Key {{ProviderHarness.ApiKey}} is not valid"}""", 401);

        var result = await ProviderHarness.FetchAsync(Apilayer(), Fixer, "EURUSD");

        Assert.That(result.Error?.Message, Does.Not.Contain(ProviderHarness.ApiKey));
    }

    /// <summary>Cross rates are rounded to ten significant digits.</summary>
    private static decimal TenDigits(decimal value) =>
        Math.Round(value, Math.Clamp(9 - (int)Math.Floor(Math.Log10((double)value)), 0, 20));
}
