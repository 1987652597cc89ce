using Scalar.AspNetCore;

namespace StockAlerts.Web.Infrastructure;

/// <summary>
/// Headers on every response, errors included (set as the response starts, after everything else had its say). HTML
/// pages (the API reference, the jobs dashboard, the sign-in form) get a policy they can run under; the rest none.
/// </summary>
internal static class SecurityHeaders
{
    private const string NonPagePolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    // Scalar injects its styles from script and loads its fonts from fonts.scalar.com; Hangfire uses style attributes.
    private const string PagePolicy =
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data: https://fonts.scalar.com; " +
        "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    public static void UseSecurityHeaders(this WebApplication app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                Apply((HttpContext)state);
                return Task.CompletedTask;
            }, context);
            return next(context);
        });

    private static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        // Overrides antiforgery's SAMEORIGIN: nothing here is meant to be framed, not even by itself.
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        var isPage = context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;
        headers.ContentSecurityPolicy = WebApp.WebAppSetup.IsWebApp(context) ? WebApp.WebAppSetup.Policy
            : isPage ? $"{PagePolicy}; script-src 'self'{ScalarNonce(context)}"
            : NonPagePolicy;
    }

    // The API reference's one inline script carries a fresh nonce per request (WithNonce in OpenApiSetup).
    private static string ScalarNonce(HttpContext context) =>
        context.Items.TryGetValue(ScalarOptions.NonceHttpContextItemKey, out var nonce) && nonce is string value ? $" 'nonce-{value}'" : "";
}
