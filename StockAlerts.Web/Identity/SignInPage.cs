using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace StockAlerts.Web.Identity;

/// <summary>A plain cookie sign-in form so that an admin can open the Hangfire dashboard in a browser.</summary>
internal static class SignInPage
{
    public const string Path = "/account/login";

    public static void MapSignInPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, (HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
                Results.Content(Render(context, antiforgery, SafeReturnUrl(returnUrl), error: null), "text/html"))
            .AllowAnonymous()
            .ExcludeFromDescription();

        endpoints.MapPost(Path, async (HttpContext context, IAntiforgery antiforgery, SignInManager<IdentityUser> signIn,
                [FromForm] string email, [FromForm] string password, [FromQuery] string? returnUrl) =>
            {
                var target = SafeReturnUrl(returnUrl);
                signIn.AuthenticationScheme = IdentityConstants.ApplicationScheme;
                var result = await signIn.PasswordSignInAsync(email, password, isPersistent: false, lockoutOnFailure: true);
                if (result.Succeeded)
                {
                    return Results.Redirect(target);
                }
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Results.Content(Render(context, antiforgery, target, "Wrong email or password."), "text/html");
            })
            .AllowAnonymous()
            .RequireRateLimiting(Infrastructure.RateLimitingSetup.AuthPolicy)
            .ExcludeFromDescription();

        endpoints.MapPost("/account/logout", async (SignInManager<IdentityUser> signIn) =>
            {
                await signIn.SignOutAsync();
                return Results.Redirect(Path);
            })
            .AllowAnonymous() // signing out nobody is harmless
            .ExcludeFromDescription();
    }

    public static string Render(HttpContext context, IAntiforgery antiforgery, string returnUrl, string? error)
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
            <label>Email <input name="email" type="email" autocomplete="username" required></label>
            <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit">Sign in</button>
            </form></body></html>
            """;
    }

    private static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 1 } && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//") && !returnUrl.StartsWith("/\\")
            ? returnUrl
            : "/hangfire";
}
