using System.Globalization;
using StockAlerts.Modules.Prices.Providers;
using StockAlerts.Tests.Fakes;

namespace StockAlerts.Tests.Prices.Providers;

public sealed class FinnhubProviderTests
{
    private const string Finnhub = "finnhub";
    private const long QuoteTime = 1767812400;
    private FakeQuoteServer server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => server = await FakeQuoteServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await server.DisposeAsync();

    [SetUp]
    public void Reset() => server.Reset();

    private Dictionary<string, string?> Settings() => ProviderHarness.Settings(Finnhub, $"{server.BaseUrl}/finnhub");

    private static string SymbolOf(RecordedRequest request) => request.Query["symbol"];

    [Test]
    public async Task Fetch_ReadsPricePreviousCloseOpenAndTime()
    {
        server.Finnhub = _ => FakeResponse.FinnhubQuote(227.48m, 225.9m, 225.96m, QuoteTime);

        var result = await ProviderHarness.FetchAsync(Settings(), Finnhub, "AAPL");

        Assert.That(result.Error, Is.Null);
        var quote = result.Quotes.Single();
        Assert.That(quote.Symbol, Is.EqualTo("AAPL"));
        Assert.That(quote.Price, Is.EqualTo(227.48m));
        Assert.That(quote.PreviousClose, Is.EqualTo(225.96m));
        Assert.That(quote.DayOpen, Is.EqualTo(225.9m));
        Assert.That(quote.ProviderTime, Is.EqualTo(new DateTime(2026, 1, 7, 19, 0, 0, DateTimeKind.Utc)));
        Assert.That(quote.ProviderTime.Kind, Is.EqualTo(DateTimeKind.Utc));
    }

    [Test]
    public async Task Fetch_SendsTheTokenInTheHeaderAndNeverInTheUrl()
    {
        await ProviderHarness.FetchAsync(Settings(), Finnhub, "AAPL", "MSFT");

        Assert.That(server.Requests.Select(SymbolOf), Is.EquivalentTo(new[] { "AAPL", "MSFT" }));
        Assert.That(server.Requests.Select(request => request.Path), Is.All.EqualTo("/finnhub/quote"));
        Assert.That(server.Requests.Select(request => request.Headers["X-Finnhub-Token"]), Is.All.EqualTo(ProviderHarness.ApiKey));
        Assert.That(server.Requests.Select(request => request.Query.ContainsKey("token")), Is.All.False);
    }

    [Test]
    public async Task Fetch_WithAQuoteInExponentForm_ReadsItAsAnExactDecimal()
    {
        server.Finnhub = _ => FakeResponse.Json("""{"c":1.0921e-5,"d":null,"dp":null,"h":1.1e-5,"l":1.0e-5,"o":1.05e-5,"pc":1.04e-5,"t":1767812400}""");

        var result = await ProviderHarness.FetchAsync(Settings(), Finnhub, "PENNY");

        Assert.That(result.Quotes.Single().Price, Is.EqualTo(0.000010921m));
        Assert.That(result.Quotes.Single().PreviousClose, Is.EqualTo(0.0000104m));
    }

    [Test]
    public async Task Fetch_WithAnUnknownSymbol_ReportsNoDataInsteadOfAPriceOfZero()
    {
        server.Finnhub = request => SymbolOf(request) == "ZZZZ" ? FakeResponse.FinnhubUnknownSymbol() : FakeResponse.FinnhubQuote(227.48m, 225.9m, 225.96m, QuoteTime);

        var result = await ProviderHarness.FetchAsync(Settings(), Finnhub, "AAPL", "ZZZZ");

        Assert.That(result.Error, Is.Null);
        Assert.That(result.NoData, Is.EqualTo(new[] { "ZZZZ" }));
        Assert.That(result.Quotes.Select(quote => quote.Symbol), Is.EqualTo(new[] { "AAPL" }));
        Assert.That(result.Quotes.Select(quote => quote.Price), Is.All.GreaterThan(0m));
    }

    [Test]
    public async Task Fetch_When429_KeepsTheQuotesAlreadyReadAndStopsIssuingRequests()
    {
        string[] symbols = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "TSLA", "META", "NFLX"];
        // The refusals come late, so AAPL is answered before any of them and the rest are not yet asked.
        server.Finnhub = request => SymbolOf(request) == "AAPL"
            ? FakeResponse.FinnhubQuote(227.48m, 225.9m, 225.96m, QuoteTime)
            : FakeResponse.FinnhubLimitReached().WithHeader("Retry-After", "30").After(TimeSpan.FromMilliseconds(150));

        var result = await ProviderHarness.FetchAsync(Settings(), Finnhub, symbols);

        Assert.That(result.Quotes.Select(quote => quote.Symbol), Is.EqualTo(new[] { "AAPL" }));
        Assert.That(result.Error?.Kind, Is.EqualTo(ProviderErrorKind.RateLimited));
        Assert.That(result.Error?.Code, Is.EqualTo("http 429"));
        Assert.That(result.Error?.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(result.Error?.Message, Does.StartWith("API limit reached"));
        Assert.That(server.Requests, Has.Count.LessThan(symbols.Length));
    }

    [Test]
    public async Task Fetch_When429WithOnlyARateLimitReset_WaitsUntilThatReset()
    {
        var reset = DateTimeOffset.UtcNow.AddSeconds(60).ToUnixTimeSeconds();
        server.Finnhub = _ => FakeResponse.FinnhubLimitReached().WithHeader("X-Ratelimit-Reset", reset.ToString(CultureInfo.InvariantCulture));

        var result = await ProviderHarness.FetchAsync(Settings(), Finnhub, "AAPL");

        Assert.That(result.Error?.Kind, Is.EqualTo(ProviderErrorKind.RateLimited));
        Assert.That(result.Error?.RetryAfter, Is.InRange(TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(61)));
    }

    [TestCase(401)]
    [TestCase(403)]
    public async Task Fetch_WhenTheTokenIsRefused_ReportsAConfigurationError(int status)
    {
        server.Finnhub = _ => FakeResponse.Json("""{"error":"You don't have access to this resource."}""", status);

        var result = await ProviderHarness.FetchAsync(Settings(), Finnhub, "AAPL");

        Assert.That(result.Quotes, Is.Empty);
        Assert.That(result.Error?.Kind, Is.EqualTo(ProviderErrorKind.Configuration));
        Assert.That(result.Error?.Code, Is.EqualTo($"http {status}"));
    }

    [Test]
    public async Task Fetch_When5xxForOneSymbol_KeepsTheOthersAndReportsTransient()
    {
        server.Finnhub = request => SymbolOf(request) == "AAPL" ? FakeResponse.ServerError(500) : FakeResponse.FinnhubQuote(480.2m, 478m, 477.5m, QuoteTime);

        var result = await ProviderHarness.FetchAsync(Settings(), Finnhub, "AAPL", "MSFT");

        Assert.That(result.PricesBySymbol(), Is.EqualTo(new Dictionary<string, decimal> { ["MSFT"] = 480.2m }));
        Assert.That(result.Error?.Kind, Is.EqualTo(ProviderErrorKind.Transient));
        Assert.That(result.Error?.Code, Is.EqualTo("http 500"));
    }

    [Test]
    public async Task Fetch_WithMalformedJson_ReportsTransientAndNoQuotes()
    {
        server.Finnhub = _ => FakeResponse.Json("""{"c":227.48,"d":""");

        var result = await ProviderHarness.FetchAsync(Settings(), Finnhub, "AAPL");

        Assert.That(result.Quotes, Is.Empty);
        Assert.That(result.NoData, Is.Empty);
        Assert.That(result.Error?.Kind, Is.EqualTo(ProviderErrorKind.Transient));
        Assert.That(result.Error?.Code, Is.EqualTo("malformed"));
    }

    [Test]
    public async Task Fetch_WhenTheServerDoesNotAnswerInTime_ReportsATransientTimeout()
    {
        server.Finnhub = _ => FakeResponse.Hang(TimeSpan.FromSeconds(10));

        var result = await ProviderHarness.FetchAsync(Settings().WithShortTimeouts(Finnhub), Finnhub, "AAPL");

        Assert.That(result.Quotes, Is.Empty);
        Assert.That(result.Error?.Kind, Is.EqualTo(ProviderErrorKind.Transient));
        Assert.That(result.Error?.Code, Is.EqualTo("timeout"));
    }

    [Test]
    public async Task Fetch_ForManySymbols_AsksAtMostFourAtOnce()
    {
        string[] symbols = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "TSLA", "META", "NFLX", "AMD", "INTC"];
        server.Finnhub = _ => FakeResponse.FinnhubQuote(100m, 99m, 98m, QuoteTime).After(TimeSpan.FromMilliseconds(100));

        var result = await ProviderHarness.FetchAsync(Settings(), Finnhub, symbols);

        Assert.That(result.Quotes, Has.Count.EqualTo(symbols.Length));
        Assert.That(server.MaxConcurrentRequests, Is.InRange(2, 4));
    }
}
