using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using StockAlerts.Tests.Infrastructure;
using StockAlerts.Web.Identity;

namespace StockAlerts.Tests.Host;

[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.MariaDb)]
public sealed partial class JobsDashboardTests(StorageKind storage)
{
    private const string ConfiguredAdmin = "ops@example.com";
    private const string Password = "Correct-Horse-42";
    private TestApp app = null!;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        app = await TestApp.StartAsync(storage, new Dictionary<string, string?> { ["Admin:Emails:0"] = ConfiguredAdmin });

    [OneTimeTearDown]
    public async Task StopAsync() => await app.DisposeAsync();

    [Test]
    public async Task Dashboard_Anonymous_Returns401()
    {
        var response = await app.CreateClient().GetAsync("/hangfire");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Dashboard_AnonymousBrowser_Gets401WithASignInForm()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        request.Headers.Accept.ParseAdd("text/html");

        var response = await app.CreateClient().SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("<form method=\"post\""));
    }

    [Test]
    public async Task Dashboard_SignedInNonAdmin_Returns403()
    {
        var client = await app.SignInAsync();

        var response = await client.GetAsync("/hangfire");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Dashboard_AdminFromConfiguration_WithBearerToken_Opens()
    {
        var client = await SignInConfiguredAdminAsync();

        var response = await client.GetAsync("/hangfire");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("StockAlerts jobs"));
    }

    [Test]
    public async Task Dashboard_AdminMadeByCommand_OpensAfterNextSignIn()
    {
        var email = $"promoted-{Guid.NewGuid():N}@example.com";
        var before = await app.SignInAsync(email, Password);
        Assert.That((await before.GetAsync("/hangfire")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        var message = await UsersSetup.MakeAdminAsync(app.Services, email);
        var after = app.CreateClient();
        after.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TestApp.LoginAsync(after, email, Password));

        Assert.That(message, Does.Contain("now an admin"));
        Assert.That((await after.GetAsync("/hangfire")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Dashboard_AdminInAPlainBrowser_SignsInWithTheFormAndOpensIt()
    {
        await SignInConfiguredAdminAsync();
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = true });
        var page = await browser.GetStringAsync("/account/login?returnUrl=/hangfire");
        var token = AntiforgeryField().Match(page);

        var response = await browser.PostAsync("/account/login?returnUrl=%2Fhangfire", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.Groups["name"].Value] = token.Groups["value"].Value,
            ["email"] = ConfiguredAdmin,
            ["password"] = Password,
        }));

        Assert.That(token.Success, Is.True);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.RequestMessage!.RequestUri!.AbsolutePath, Is.EqualTo("/hangfire"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("StockAlerts jobs"));
        // The cookie is for the dashboard only: the API and the hubs take bearer tokens, so no other site can act through it.
        Assert.That((await browser.GetAsync("/api/alerts")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await browser.GetAsync("/api/account")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Dashboard_SignedInNonAdminInABrowser_GetsAPageSayingSo()
    {
        var user = await app.SignInAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        request.Headers.Accept.ParseAdd("text/html");

        var response = await user.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("is not an admin").And.Contain("<form method=\"post\""));
    }

    [Test]
    public async Task TheAdminCookie_IsASession_SigningOutOrAPasswordChangeEndsEveryCopy()
    {
        var (first, firstCookie) = await SignInWithTheFormAsync();
        var (_, secondCookie) = await SignInWithTheFormAsync();
        var api = await SignInConfiguredAdminAsync();

        var copyBefore = await WithCookieAsync(firstCookie);
        await first.PostAsync("/account/logout", null);
        var copyAfterLogout = await WithCookieAsync(firstCookie);
        var otherBeforeChange = await WithCookieAsync(secondCookie);
        (await api.PostAsJsonAsync("/api/account/password", new { currentPassword = Password, newPassword = "Battery-Staple-77" })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("/api/account/password", new { currentPassword = "Battery-Staple-77", newPassword = Password })).EnsureSuccessStatusCode();
        var otherAfterChange = await WithCookieAsync(secondCookie);

        Assert.That(copyBefore, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(copyAfterLogout, Is.EqualTo(HttpStatusCode.Unauthorized), "a copy of a signed-out cookie");
        Assert.That(otherBeforeChange, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(otherAfterChange, Is.EqualTo(HttpStatusCode.Unauthorized), "a password change signs out every other session, cookies too");
    }

    private async Task<(HttpClient Browser, string Cookie)> SignInWithTheFormAsync()
    {
        await SignInConfiguredAdminAsync();
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var token = AntiforgeryField().Match(await browser.GetStringAsync("/account/login"));
        var response = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.Groups["name"].Value] = token.Groups["value"].Value,
            ["email"] = ConfiguredAdmin,
            ["password"] = Password,
        }));
        var cookie = response.Headers.GetValues("Set-Cookie").Single(header => header.StartsWith("stockalerts.admin=", StringComparison.Ordinal));
        return (browser, cookie.Split(';')[0]);
    }

    private async Task<HttpStatusCode> WithCookieAsync(string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
        request.Headers.Add("Cookie", cookie);
        return (await app.CreateClient().SendAsync(request)).StatusCode;
    }

    [Test]
    public async Task SignInForm_WithWrongPassword_Returns401AndNoCookie()
    {
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        var token = AntiforgeryField().Match(await browser.GetStringAsync("/account/login"));

        var response = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.Groups["name"].Value] = token.Groups["value"].Value,
            ["email"] = ConfiguredAdmin,
            ["password"] = "Wrong-Horse-99",
        }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await browser.GetAsync("/hangfire")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    private async Task<HttpClient> SignInConfiguredAdminAsync()
    {
        var client = app.CreateClient();
        await client.PostAsJsonAsync("/api/auth/register", new { email = ConfiguredAdmin, password = Password });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TestApp.LoginAsync(client, ConfiguredAdmin, Password));
        return client;
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]+)\">")]
    private static partial Regex AntiforgeryField();
}
