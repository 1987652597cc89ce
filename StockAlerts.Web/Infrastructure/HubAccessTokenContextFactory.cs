using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using StockAlerts.Modules.Shared;

namespace StockAlerts.Web.Infrastructure;

/// <summary>
/// SignalR clients send the bearer token as ?access_token= (browsers cannot set headers on a WebSocket). Hosting logs
/// the request line, query included, before any middleware runs; so the token leaves the query here, where the
/// HttpContext is made, and moves into the Authorization header. Logs, traces and error pages never see it in the URL.
/// </summary>
internal sealed class HubAccessTokenContextFactory(IServiceProvider services) : IHttpContextFactory
{
    public const string QueryKey = "access_token";

    private readonly DefaultHttpContextFactory inner = new(services);

    public HttpContext Create(IFeatureCollection featureCollection)
    {
        if (featureCollection.Get<IHttpRequestFeature>() is { } request && request.QueryString.Contains(QueryKey, StringComparison.OrdinalIgnoreCase))
        {
            MoveTokenToHeader(request);
        }
        return inner.Create(featureCollection);
    }

    public void Dispose(HttpContext httpContext) => inner.Dispose(httpContext);

    private static void MoveTokenToHeader(IHttpRequestFeature request)
    {
        var query = QueryHelpers.ParseQuery(request.QueryString);
        if (!query.Remove(QueryKey, out var token))
        {
            return;
        }
        var rest = QueryString.Create(query).Value ?? "";
        request.QueryString = rest;
        var queryStart = request.RawTarget.IndexOf('?', StringComparison.Ordinal);
        if (queryStart >= 0)
        {
            request.RawTarget = request.RawTarget[..queryStart] + rest;
        }
        // Only the hubs ever took a token from the query string; elsewhere it is dropped.
        if (new PathString(request.Path).StartsWithSegments(HubRoutes.Prefix) && !request.Headers.ContainsKey(HeaderNames.Authorization) && !string.IsNullOrEmpty(token))
        {
            request.Headers.Authorization = $"Bearer {token}";
        }
    }
}
