using System.Globalization;
using System.Net;
using Microsoft.Playwright;

namespace StockAlerts.Tests.WebApp;

/// <summary>
/// The web app as a person uses it, in a real headless Chromium: sign up, watch a price move, make a rule just across
/// the price, see its notification arrive in the inbox without reloading, dismiss it; the chart draws with the rule's
/// level; a validation error shows at its field; the phone layout never scrolls sideways. Screenshots of the desktop
/// and phone layouts are written to TestResults/screenshots (README shows current ones).
/// </summary>
[TestFixture]
[NonParallelizable]
[Category("Browser")]
public sealed class WebAppBrowserTests
{
    private const string Password = "Correct-Horse-42";
    private BrowserSession session = null!;
    private string folder = null!;
    private string screenshots = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        folder = Directory.CreateTempSubdirectory("stockalerts-browser-").FullName;
        screenshots = Path.Combine(Infrastructure.Repository.Root, "TestResults", "screenshots");
        Directory.CreateDirectory(screenshots);
        session = await BrowserSession.StartAsync(Path.Combine(folder, "data"));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await session.DisposeAsync();
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        TestContext.Progress.WriteLine($"Web app screenshots: {screenshots}");
    }

    [Test]
    public async Task APerson_SignsUp_WatchesAPriceMove_SetsARule_AndSeesItFireInTheInbox()
    {
        var (context, page, problems) = await session.OpenAsync(1280, 800);
        await using var _ = context;

        await page.GotoAsync("/");
        await SignUpAsync(page, NewEmail());
        await page.GetByTestId("watch-search").FillAsync("AAPL");
        await page.GetByTestId("add-AAPL").ClickAsync();
        var price = page.GetByTestId("price-AAPL");
        await Assertions.Expect(price).ToHaveAttributeAsync("data-price", new System.Text.RegularExpressions.Regex(@"^\d"));
        var first = await price.GetAttributeAsync("data-price");
        await Assertions.Expect(price).Not.ToHaveAttributeAsync("data-price", first!, new() { Timeout = 20_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "desktop-watchlist.png") });

        // A rule just across the price: "above" a level a little under it fires at the next tick.
        var current = decimal.Parse((await price.GetAttributeAsync("data-price"))!, CultureInfo.InvariantCulture);
        var level = Math.Round(current * 0.999m, 2);
        await page.GotoAsync("/#/alerts/new?symbol=AAPL");
        await page.Locator("[data-field='condition.type']").SelectOptionAsync("above");
        await page.Locator("[data-field='condition.level']").FillAsync(level.ToString(CultureInfo.InvariantCulture));
        await page.Locator("[data-field='frequency.type']").SelectOptionAsync("once");
        await page.GetByTestId("save-alert").ClickAsync();

        // It arrives live: the unread badge and the inbox fill in without a reload.
        await Assertions.Expect(page.GetByTestId("unread-count")).ToHaveTextAsync("1", new() { Timeout = 30_000 });
        await page.GetByTestId("nav-inbox").ClickAsync();
        var item = page.Locator("[data-testid^='notification-']").First;
        await Assertions.Expect(item).ToContainTextAsync("AAPL");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "desktop-inbox.png") });
        var id = (await item.GetAttributeAsync("data-testid"))!["notification-".Length..];
        await page.GetByTestId($"dismiss-{id}").ClickAsync();
        await Assertions.Expect(page.GetByTestId($"notification-{id}")).ToHaveCountAsync(0);

        // The symbol page draws the chart, with the rule's level among its lines.
        await page.GotoAsync("/#/symbol/AAPL");
        var chart = page.GetByTestId("chart");
        await Assertions.Expect(chart.Locator("canvas").First).ToBeVisibleAsync();
        await Assertions.Expect(chart).ToHaveAttributeAsync("data-levels", new System.Text.RegularExpressions.Regex($@"(^| ){System.Text.RegularExpressions.Regex.Escape(level.ToString(CultureInfo.InvariantCulture))}( |$)"));
        Assert.That(await CanvasHasDrawingAsync(chart), Is.True, "the chart canvas is not blank");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "desktop-symbol.png") });

        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task ABacktest_SaysHowOftenTheRuleWouldHaveFired_AndHowMuchOfTheHistoryItSaw()
    {
        var (context, page, problems) = await session.OpenAsync(1280, 800);
        await using var _ = context;
        await page.GotoAsync("/");
        await SignUpAsync(page, NewEmail());
        await page.GotoAsync("/#/alerts/new?symbol=AAPL");
        await page.Locator("[data-field='condition.type']").SelectOptionAsync("crosses");
        await page.Locator("[data-field='condition.level']").FillAsync("100");

        // The simulated feed's first bars are written a few seconds after the service starts.
        var summary = page.GetByTestId("backtest-summary");
        for (var attempt = 0; attempt < 30; attempt++)
        {
            await page.GetByTestId("backtest").ClickAsync();
            await Assertions.Expect(summary).ToBeVisibleAsync();
            if ((await summary.TextContentAsync())!.Contains("one-minute bar", StringComparison.Ordinal))
            {
                break;
            }
            await Task.Delay(1000);
        }

        await Assertions.Expect(summary).ToContainTextAsync("one-minute bar");
        await Assertions.Expect(page.GetByTestId("backtest-coverage")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("replayed"));
        await page.GetByTestId("backtest-coverage").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "desktop-backtest.png") });
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task IndicatorAndCompoundRules_AreMadeInTheEditor_ReadInWords_AndACompoundFires()
    {
        var (context, page, problems) = await session.OpenAsync(1280, 800);
        await using var _ = context;
        await page.GotoAsync("/");
        await SignUpAsync(page, NewEmail());

        // "SMA(20, 5m) crosses above SMA(50, 5m)": the builder starts from RSI(14) crossing below 30, with its defaults.
        await page.GotoAsync("/#/alerts/new?symbol=EURUSD");
        await page.Locator("[data-field='condition.type']").SelectOptionAsync("indicator");
        await Assertions.Expect(page.Locator("[data-field='condition.left.type']")).ToHaveValueAsync("rsi");
        await Assertions.Expect(page.Locator("[data-field='condition.left.period']")).ToHaveValueAsync("14");
        await Assertions.Expect(page.Locator("[data-field='condition.right.value']")).ToHaveValueAsync("30");
        await page.Locator("[data-field='condition.left.type']").SelectOptionAsync("sma");
        await page.Locator("[data-field='condition.left.timeframe']").SelectOptionAsync("5m");
        await page.Locator("[data-field='condition.operator']").SelectOptionAsync("crossesAbove");
        await page.Locator("[data-field='condition.right.type']").SelectOptionAsync("sma");
        await page.Locator("[data-field='condition.right.period']").FillAsync("50");
        await Assertions.Expect(page.Locator("[data-field='condition.right.timeframe']")).ToHaveValueAsync("5m");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "desktop-editor-indicator.png") });
        await page.GetByTestId("save-alert").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/alerts$"));
        await Assertions.Expect(page.Locator("[data-testid^='alert-row-']").First).ToContainTextAsync("SMA(20, 5m) crosses above SMA(50, 5m), at bar close");

        // A compound whose second part is wrong: the 400 lands at that part's field, and nothing is saved.
        await page.GotoAsync("/#/alerts/new?symbol=EURUSD");
        await page.Locator("[data-field='condition.type']").SelectOptionAsync("compound");
        await page.Locator("[data-field='condition.match']").SelectOptionAsync("any");
        await page.Locator("[data-field='condition.conditions[0].type']").SelectOptionAsync("above");
        await page.Locator("[data-field='condition.conditions[0].level']").FillAsync("0.0001");
        await page.Locator("[data-field='condition.conditions[1].symbol']").FillAsync("AAPL");
        await page.Locator("[data-field='condition.conditions[1].type']").SelectOptionAsync("below");
        await page.GetByTestId("save-alert").ClickAsync();
        await Assertions.Expect(page.GetByTestId("error-condition.conditions[1].level")).Not.ToBeEmptyAsync();
        await Assertions.Expect(page.Locator("[data-field='condition.conditions[1].level']")).ToHaveAttributeAsync("aria-invalid", "true");

        // Fixed: "EURUSD above 0.0001 OR AAPL above 1" is true when made, so it fires on the next price, live in the app.
        await page.Locator("[data-field='condition.conditions[1].type']").SelectOptionAsync("above");
        await page.Locator("[data-field='condition.conditions[1].level']").FillAsync("1");
        await page.Locator("[data-field='name']").FillAsync("Euro or Apple anywhere");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "desktop-editor-compound.png") });
        await page.GetByTestId("save-alert").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/alerts$"));
        var row = page.Locator("[data-testid^='alert-row-']", new() { HasText = "Euro or Apple" });
        await Assertions.Expect(row).ToContainTextAsync("AAPL: is above");
        var id = (await row.GetAttributeAsync("data-testid"))!["alert-row-".Length..];
        try
        {
            // Both symbols need a fresh price first (the feed polls every few seconds; slower while the suite runs).
            await Assertions.Expect(page.GetByTestId("unread-count")).ToHaveTextAsync("1", new() { Timeout = 60_000 });
        }
        catch (PlaywrightException)
        {
            var rule = await page.EvaluateAsync<System.Text.Json.JsonElement>($"async () => (await import('/js/api.js')).get('/api/alerts/{id}')");
            Assert.Fail($"the compound did not fire: {rule}");
        }

        // Editing it shows its parts as made; the second becomes an indicator part (RSI's defaults on the 1h chart).
        await page.GotoAsync($"/#/alerts/{id}/edit");
        await Assertions.Expect(page.Locator("[data-field='condition.type']")).ToHaveValueAsync("compound");
        await Assertions.Expect(page.Locator("[data-field='condition.conditions[1].symbol']")).ToHaveValueAsync("AAPL");
        await Assertions.Expect(page.Locator("[data-field='condition.conditions[1].level']")).ToHaveValueAsync("1");
        await page.Locator("[data-field='condition.conditions[1].type']").SelectOptionAsync("indicator");
        await page.Locator("[data-field='condition.conditions[1].left.timeframe']").SelectOptionAsync("1h");
        await page.Locator("[data-field='name']").FillAsync("Renamed");
        await page.GetByTestId("save-alert").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/alerts$"));
        await Assertions.Expect(page.GetByTestId($"alert-row-{id}")).ToContainTextAsync("AAPL: RSI(14, 1h) crosses below 30, at bar close");

        var saved = await page.EvaluateAsync<System.Text.Json.JsonElement>($"async () => (await import('/js/api.js')).get('/api/alerts/{id}')");
        Assert.That(saved.GetProperty("name").GetString(), Is.EqualTo("Renamed"));
        var condition = saved.GetProperty("condition");
        Assert.That(condition.GetProperty("match").GetString(), Is.EqualTo("any"));
        var parts = condition.GetProperty("conditions");
        Assert.That(parts.GetArrayLength(), Is.EqualTo(2), saved.ToString());
        Assert.That(parts[0].GetProperty("level").GetDecimal(), Is.EqualTo(0.0001m));
        Assert.That(parts[1].GetProperty("symbol").GetString(), Is.EqualTo("AAPL"));
        Assert.That(parts[1].GetProperty("left").GetProperty("period").GetInt32(), Is.EqualTo(14));
        Assert.That(parts[1].GetProperty("right").GetProperty("value").GetDecimal(), Is.EqualTo(30m));
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task AValidationError_ShowsAtItsField()
    {
        var (context, page, problems) = await session.OpenAsync(1280, 800);
        await using var _ = context;
        await page.GotoAsync("/");
        await SignUpAsync(page, NewEmail());

        await page.GotoAsync("/#/alerts/new?symbol=AAPL");
        await page.Locator("[data-field='condition.type']").SelectOptionAsync("crossesAbove");
        await page.Locator("[data-field='condition.level']").FillAsync("");
        await page.GetByTestId("save-alert").ClickAsync();

        var error = page.GetByTestId("error-condition.level");
        await Assertions.Expect(error).ToBeVisibleAsync();
        await Assertions.Expect(error).Not.ToBeEmptyAsync();
        await Assertions.Expect(page.Locator("[data-field='condition.level']")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "desktop-editor-error.png") });
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task AtPhoneWidth_NoPageScrollsSideways()
    {
        var (context, page, problems) = await session.OpenAsync(390, 844, phone: true);
        await using var _ = context;
        var requests = new List<IRequest>();
        page.RequestFinished += (_, request) => requests.Add(request);
        await page.GotoAsync("/");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var sizes = await Task.WhenAll(requests.Select(async request => (request.Url, Sizes: await request.SizesAsync())));
        TestContext.Progress.WriteLine($"Cold load of the sign-in page: {requests.Count} requests, " +
            $"{sizes.Sum(entry => entry.Sizes.ResponseBodySize + entry.Sizes.ResponseHeadersSize):N0} bytes transferred " +
            $"({string.Join(", ", sizes.Select(entry => $"{new Uri(entry.Url).AbsolutePath} {entry.Sizes.ResponseBodySize:N0}"))})");
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "phone-signin.png") });
        await SignUpAsync(page, NewEmail());
        await page.GetByTestId("watch-search").FillAsync("EURUSD");
        await page.GetByTestId("add-EURUSD").ClickAsync();
        await Assertions.Expect(page.GetByTestId("price-EURUSD")).ToHaveAttributeAsync("data-price", new System.Text.RegularExpressions.Regex(@"^\d"));

        var wide = new List<string>();
        foreach (var (route, name) in new[] { ("/#/watchlist", "watchlist"), ("/#/symbol/EURUSD", "symbol"), ("/#/alerts/new?symbol=EURUSD", "editor"), ("/#/alerts", "alerts"), ("/#/inbox", "inbox"), ("/#/settings", "settings") })
        {
            await page.GotoAsync(route);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await page.WaitForTimeoutAsync(300);
            var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
            var (scrollWidth, viewport) = (widths[0], widths[1]);
            if (scrollWidth > viewport)
            {
                wide.Add($"{route}: {scrollWidth} px wide in {viewport}");
            }
            await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, $"phone-{name}.png") });
        }

        Assert.That(wide, Is.Empty);
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task TheAppShell_IsServedWithItsStrictPolicy_AndRevalidatedByETag()
    {
        using var http = session.Host.CreateClient();
        var index = await http.GetAsync("/");
        var worker = await http.GetAsync("/sw.js");
        var manifest = await http.GetAsync("/manifest.webmanifest");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/");
        again.Headers.IfNoneMatch.Add(index.Headers.ETag!);
        var revalidated = await http.SendAsync(again);

        Assert.That(index.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(index.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        var policy = index.Headers.GetValues("Content-Security-Policy").Single();
        Assert.That(policy, Does.Contain("script-src 'self'").And.Not.Contain("unsafe-inline"));
        Assert.That(index.Headers.CacheControl?.NoCache, Is.True);
        Assert.That(revalidated.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(worker.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("connect-src 'self'"), "the worker may fetch its own origin");
        Assert.That(manifest.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/manifest+json"));
    }

    private static async Task SignUpAsync(IPage page, string email)
    {
        await page.GetByTestId("signin-email").FillAsync(email);
        await page.GetByTestId("signin-password").FillAsync(Password);
        await page.GetByTestId("register-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("watch-search")).ToBeVisibleAsync(new() { Timeout = 15_000 });
    }

    private static Task<bool> CanvasHasDrawingAsync(ILocator chart) =>
        chart.EvaluateAsync<bool>("""
            box => [...box.querySelectorAll('canvas')].some(canvas => {
              const context = canvas.getContext('2d');
              if (!context || canvas.width === 0) return false;
              const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
              const first = pixels.slice(0, 4).join();
              for (let index = 0; index < pixels.length; index += 4 * 97) {
                if (pixels.slice(index, index + 4).join() !== first) return true;
              }
              return false;
            })
            """);

    private static string NewEmail() => $"browser-{Guid.NewGuid():N}@example.com";
}
