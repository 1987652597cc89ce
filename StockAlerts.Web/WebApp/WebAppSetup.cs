using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace StockAlerts.Web.WebApp;

/// <summary>
/// The web app: static files (site/) served at "/" by this process, using only the public API and hubs. Every file
/// is revalidated by its ETag (Cache-Control: no-cache), so a deploy is seen at the next load; the two vendored
/// libraries and the icons may be cached for a day. Responses get the app's own strict policy: no inline script or
/// style anywhere, the service worker and the manifest from this origin only.
/// </summary>
internal static class WebAppSetup
{
    public const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; " +
        "manifest-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    private const string ServedItem = "stockalerts.webapp";

    public static IServiceCollection AddWebApp(this IServiceCollection services) =>
        services.AddResponseCompression(options =>
        {
            options.EnableForHttps = true;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes = ["text/html", "text/css", "text/javascript", "application/javascript", "application/manifest+json", "image/svg+xml"];
        });

    /// <summary>Whether this response is a file of the web app (it then carries <see cref="Policy"/>).</summary>
    public static bool IsWebApp(HttpContext context) => context.Items.ContainsKey(ServedItem);

    public static void UseWebApp(this WebApplication app)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "WebApp", "site");
        if (!Directory.Exists(folder))
        {
            return;
        }
        var files = new PhysicalFileProvider(folder);
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".webmanifest"] = "application/manifest+json";
        types.Mappings[".js"] = "text/javascript";
        // Only the site's own files: the API, the hubs and the documents never go through here.
        app.UseWhen(context => IsSitePath(context.Request.Path), site =>
        {
            site.UseResponseCompression();
            site.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            site.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                ContentTypeProvider = types,
                OnPrepareResponse = file =>
                {
                    file.Context.Items[ServedItem] = true;
                    var path = file.Context.Request.Path;
                    file.Context.Response.Headers.CacheControl = path.StartsWithSegments("/vendor") || path.StartsWithSegments("/icons")
                        ? "public, max-age=86400"
                        : "no-cache";
                    if (path == "/sw.js")
                    {
                        // The worker controls the whole site, though it lives at the root anyway.
                        file.Context.Response.Headers["Service-Worker-Allowed"] = "/";
                    }
                },
            });
        });
    }

    private static bool IsSitePath(PathString path) =>
        !path.StartsWithSegments("/api") && !path.StartsWithSegments(Modules.Shared.HubRoutes.Prefix) && !path.StartsWithSegments("/health")
        && !path.StartsWithSegments("/openapi") && !path.StartsWithSegments("/asyncapi") && !path.StartsWithSegments("/scalar")
        && !path.StartsWithSegments("/hangfire") && !path.StartsWithSegments("/account") && !path.StartsWithSegments("/metrics");
}
