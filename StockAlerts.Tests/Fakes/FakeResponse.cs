using Microsoft.AspNetCore.Http;
using System.Globalization;
using System.Text.Json;

namespace StockAlerts.Tests.Fakes;

/// <summary>One answer of the fake in a provider's real wire format; Delay holds it back to play a timeout.</summary>
internal sealed record FakeResponse(int Status, string Body, IReadOnlyDictionary<string, string> Headers, TimeSpan Delay)
{
    public static FakeResponse Json(string body, int status = 200) => new(status, body, new Dictionary<string, string>(), TimeSpan.Zero);

    /// <summary>Rates are raw JSON numbers, so a test can send the exponent form ("1.0921e-5").</summary>
    public static FakeResponse FixerLatest(long timestamp, params (string Currency, string Rate)[] rates)
    {
        var date = DateTimeOffset.FromUnixTimeSeconds(timestamp).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return Json($$"""{"success":true,"timestamp":{{timestamp}},"base":"EUR","date":"{{date}}","rates":{{JsonObject(rates)}}}""");
    }

    /// <summary>Quote keys are source + target, e.g. ("USDEUR", "0.855856").</summary>
    public static FakeResponse CurrencyLayerLive(long timestamp, params (string Pair, string Rate)[] quotes) =>
        Json($$"""{"success":true,"terms":"https://currencylayer.com/terms","privacy":"https://currencylayer.com/privacy","timestamp":{{timestamp}},"source":"USD","quotes":{{JsonObject(quotes)}}}""");

    /// <summary>fixer's and currencylayer's error inside an HTTP 200; a null field is left out, as the real APIs sometimes do.</summary>
    public static FakeResponse ApilayerError(object? code, string? type, string? info = null)
    {
        var error = new Dictionary<string, object>();
        if (code is not null)
        {
            error["code"] = code;
        }
        if (type is not null)
        {
            error["type"] = type;
        }
        if (info is not null)
        {
            error["info"] = info;
        }
        return Json(JsonSerializer.Serialize(new Dictionary<string, object> { ["success"] = false, ["error"] = error }));
    }

    public static FakeResponse FinnhubQuote(decimal current, decimal open, decimal previousClose, long time)
    {
        var change = current - previousClose;
        var changePercent = previousClose == 0 ? "null" : Number(Math.Round(change / previousClose * 100, 4));
        return Json(
            $$"""{"c":{{Number(current)}},"d":{{Number(change)}},"dp":{{changePercent}},"h":{{Number(Math.Max(current, open))}},"l":{{Number(Math.Min(current, open))}},"o":{{Number(open)}},"pc":{{Number(previousClose)}},"t":{{time}}}""");
    }

    public static FakeResponse FinnhubUnknownSymbol() => Json("""{"c":0,"d":null,"dp":null,"h":0,"l":0,"o":0,"pc":0,"t":0}""");

    public static FakeResponse FinnhubLimitReached() => Json("""{"error":"API limit reached. Please try again later. Remaining Limit: 0"}""", 429);

    public static FakeResponse ServerError(int status = 503) => Json("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", status);

    public static FakeResponse Malformed() => Json("""{"success":true,"timestamp":1767782400,"base":"EUR","rates":{"USD":1.16""");

    public static FakeResponse Hang(TimeSpan delay) => Json("{}").After(delay);

    public FakeResponse WithHeader(string name, string value) =>
        this with { Headers = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase) { [name] = value } };

    public FakeResponse After(TimeSpan delay) => this with { Delay = delay };

    private static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string JsonObject(IEnumerable<(string Name, string Number)> members) =>
        "{" + string.Join(',', members.Select(member => $"\"{member.Name}\":{member.Number}")) + "}";

    /// <summary>Writes this answer after its delay; a request aborted (or a server stopping) meanwhile gets nothing.</summary>
    public async Task WriteAsync(HttpContext context, CancellationToken stopping, string? contentType = "application/json")
    {
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        if (Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(Delay, aborted.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        context.Response.StatusCode = Status;
        if (contentType is not null)
        {
            context.Response.ContentType = contentType;
        }
        foreach (var (name, value) in Headers)
        {
            context.Response.Headers[name] = value;
        }
        await context.Response.WriteAsync(Body, aborted.Token);
    }
}
