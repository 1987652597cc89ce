using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace StockAlerts.Web.Identity;

/// <summary>A plain cookie sign-in form so that an admin can open the Hangfire dashboard in a browser.</summary>
internal static partial class SignInPage
{
    public const string Path = "/account/login";

    public static void MapSignInPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, (HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
                Results.Content(Render(context, antiforgery, SafeReturnUrl(returnUrl), email: "", error: null), "text/html"))
            .AllowAnonymous()
            .ExcludeFromDescription();

        endpoints.MapPost(Path, async (HttpContext context, IAntiforgery antiforgery, SignInManager<IdentityUser> signIn, PasswordSignIn passwords, Sessions sessions,
                [FromForm] string email, [FromForm] string password, [FromQuery] string? returnUrl) =>
            {
                var target = SafeReturnUrl(returnUrl);
                var (user, retryAfter) = await passwords.CheckAsync(email, password, AuthEndpoints.AddressOf(context));
                if (user is not null)
                {
                    var session = await sessions.StartAsync(user.Id, context.RequestAborted);
                    signIn.AuthenticationScheme = IdentityConstants.ApplicationScheme;
                    await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim(Sessions.SessionClaim, session.Id.ToString())]);
                    return Results.Redirect(target);
                }
                context.Response.StatusCode = retryAfter is null ? StatusCodes.Status401Unauthorized : StatusCodes.Status429TooManyRequests;
                if (retryAfter is { } wait)
                {
                    context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                var error = retryAfter is null ? "Wrong email or password." : "Too many wrong passwords from here: try again in a few minutes.";
                return Results.Content(Render(context, antiforgery, target, email, error), "text/html");
            })
            .AllowAnonymous()
            .RequireRateLimiting(Infrastructure.RateLimitingSetup.AuthPolicy)
            .ExcludeFromDescription();

        endpoints.MapPost("/account/logout", async (HttpContext context, SignInManager<IdentityUser> signIn, Sessions sessions) =>
            {
                // Ends the session too, so a copy of the cookie stops working with the browser's.
                if (await context.AuthenticateAsync(IdentityConstants.ApplicationScheme) is { Succeeded: true } cookie
                    && Sessions.SessionOf(cookie.Principal) is { } sessionId)
                {
                    await sessions.EndAsync(sessionId, context.RequestAborted);
                }
                await signIn.SignOutAsync();
                return Results.Redirect(Path);
            })
            .AllowAnonymous() // signing out nobody is harmless
            .ExcludeFromDescription();
    }

    public static string Render(HttpContext context, IAntiforgery antiforgery, string returnUrl, string email, string? error)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var encoder = HtmlEncoder.Default;
        var message = error is null ? "" : $"<p class=\"error\">{encoder.Encode(error)}</p>";
        return $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>StockAlerts sign-in</title>
            <style>body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto}label,input,button{display:block;width:100%;margin:.4rem 0}.error{color:#b00}</style>
            </head><body>
            <h1>StockAlerts</h1><p>Sign in as an admin to open the jobs dashboard.</p>{{message}}
            <form method="post" action="{{Path}}?returnUrl={{Uri.EscapeDataString(returnUrl)}}">
            <input type="hidden" name="{{encoder.Encode(tokens.FormFieldName)}}" value="{{encoder.Encode(tokens.RequestToken ?? "")}}">
            <label>Email <input name="email" type="email" autocomplete="username" value="{{encoder.Encode(email)}}" required></label>
            <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit">Sign in</button>
            </form></body></html>
            """;
    }

    /// <summary>
    /// A path on this site, or the dashboard. Only the characters of a URL path and query are taken: browsers drop
    /// tabs and line breaks ("/\t/evil.example" becomes "//evil.example", another site) and read a backslash as "/", and
    /// control characters cannot go into a Location header at all.
    /// </summary>
    internal static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 1 and <= 2048 } && SitePath().IsMatch(returnUrl) && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            ? returnUrl
            : "/hangfire";

    [System.Text.RegularExpressions.GeneratedRegex(@"^/[A-Za-z0-9\-._~/?#\[\]@!$&'()*+,;=%]*$")]
    private static partial System.Text.RegularExpressions.Regex SitePath();
}
