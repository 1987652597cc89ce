using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using StockAlerts.Tests.Infrastructure;

namespace StockAlerts.Tests.Host;

public sealed partial class SecurityHeadersTests
{
    private const string Admin = "ops@example.com";
    private TestApp app = null!;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        app = await TestApp.StartAsync(StorageKind.Sqlite, new Dictionary<string, string?> { ["Admin:Emails:0"] = Admin });

    [OneTimeTearDown]
    public async Task StopAsync() => await app.DisposeAsync();

    [TestCase("/health/live")]
    [TestCase("/openapi/v1.json")]
    [TestCase("/api/no-such-thing")]
    [TestCase("/api/alerts")]
    public async Task EveryResponse_CarriesTheSecurityHeaders_AndNonPagesAllowNothing(string path)
    {
        var response = await app.CreateClient().GetAsync(path);

        AssertCommonHeaders(response);
        Assert.That(Header(response, "Content-Security-Policy"), Does.StartWith("default-src 'none'").And.Contain("frame-ancestors 'none'"));
    }

    [Test]
    public async Task ApiReferencePage_ItsInlineScriptCarriesTheNonceThePolicyAllows()
    {
        var response = await app.CreateClient().GetAsync("/scalar/v1");
        var page = await response.Content.ReadAsStringAsync();
        var policy = Header(response, "Content-Security-Policy")!;
        var nonce = Regex.Match(policy, "'nonce-([^']+)'").Groups[1].Value;

        AssertCommonHeaders(response);
        Assert.That(nonce, Is.Not.Empty, policy);
        Assert.That(policy, Does.Not.Contain("'unsafe-inline'; script").And.Not.Contain("unsafe-eval"));
        Assert.That(InlineScripts().Matches(page).Select(script => script.Groups["attributes"].Value), Has.All.Contains($"nonce=\"{nonce}\""));
        Assert.That(ScriptSources().Matches(page).Select(source => source.Groups["source"].Value), Has.None.Contains("//"), "scripts come from this origin");
        Assert.That((await app.CreateClient().GetAsync("/scalar/scalar.js")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task JobsDashboard_ForAnAdmin_HasOnlyScriptsFromItsOwnOrigin()
    {
        var client = app.CreateClient();
        await client.PostAsJsonAsync("/api/auth/register", new { email = Admin, password = "Correct-Horse-42" });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TestApp.LoginAsync(client, Admin, "Correct-Horse-42"));

        var response = await client.GetAsync("/hangfire");
        var page = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        AssertCommonHeaders(response);
        Assert.That(Header(response, "Content-Security-Policy"), Does.Contain("script-src 'self'").And.Contain("style-src 'self' 'unsafe-inline'"));
        Assert.That(InlineScripts().Matches(page), Is.Empty, "an inline script would be blocked by the policy");
        Assert.That(ScriptSources().Matches(page).Select(source => source.Groups["source"].Value), Has.All.StartWith("/hangfire/"));
    }

    [Test]
    public async Task SignInForm_IsNotFramable_EvenByItself()
    {
        var response = await app.CreateClient().GetAsync("/account/login");

        AssertCommonHeaders(response);
        Assert.That(Header(response, "Content-Security-Policy"), Does.Contain("form-action 'self'"));
    }

    private static void AssertCommonHeaders(HttpResponseMessage response)
    {
        Assert.That(Header(response, "X-Content-Type-Options"), Is.EqualTo("nosniff"));
        Assert.That(Header(response, "X-Frame-Options"), Is.EqualTo("DENY"));
        Assert.That(Header(response, "Referrer-Policy"), Is.EqualTo("no-referrer"));
        Assert.That(Header(response, "Content-Security-Policy"), Does.Contain("frame-ancestors 'none'"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    [GeneratedRegex("<script(?<attributes>(?![^>]*\\bsrc=)[^>]*)>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScripts();

    [GeneratedRegex("<script[^>]*\\bsrc=\"(?<source>[^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptSources();
}
