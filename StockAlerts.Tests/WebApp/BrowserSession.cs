using Microsoft.Playwright;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.WebApp;

/// <summary>
/// A real headless Chromium (Debian's, driven by Playwright: no browser download) against the service in its own
/// process, serving the web app on a loopback port with prices ticking every second.
/// </summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    public static readonly string[] ChromiumArguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    private BrowserSession(HostProcess host, IPlaywright playwright, IBrowser browser)
    {
        Host = host;
        Playwright = playwright;
        Browser = browser;
    }

    public HostProcess Host { get; }

    public IPlaywright Playwright { get; }

    public IBrowser Browser { get; }

    public static async Task<BrowserSession> StartAsync(string dataFolder)
    {
        var host = HostProcess.Start("web-app-host", new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = dataFolder,
            ["Jobs__Schedule"] = "true",
            ["Notifications__LiveAckGraceSeconds"] = "1",
            ["RateLimits__AuthPerMinute"] = "1000",
            ["RateLimits__PerAddressPerMinute"] = "100000",
            ["RateLimits__PerUserPerMinute"] = "100000",
        });
        await host.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExternalProcess.Find("chromium", "chromium"),
            Args = ChromiumArguments,
            Headless = true,
        });
        return new BrowserSession(host, playwright, browser);
    }

    /// <summary>A fresh profile (no stored tokens), at desktop or phone size, failing the test on a page error or a CSP refusal.</summary>
    public async Task<(IBrowserContext Context, IPage Page, List<string> Problems)> OpenAsync(int width, int height, bool phone = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Host.Address.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            IsMobile = phone,
            HasTouch = phone,
            DeviceScaleFactor = phone ? 2 : 1,
            Locale = "en-US",
            TimezoneId = "Europe/Berlin",
        });
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.PageError += (_, error) => problems.Add($"page error: {error}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.Contains("Refused to", StringComparison.Ordinal)))
            {
                problems.Add($"console: {message.Text}");
            }
        };
        return (context, page, problems);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await Host.DisposeAsync();
    }
}
