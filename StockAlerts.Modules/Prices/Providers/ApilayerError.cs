using System.Globalization;
using System.Text.Json;

namespace StockAlerts.Modules.Prices.Providers;

/// <summary>
/// The "error" object of fixer and currencylayer. Every field may be missing, and code may be a number or (on sibling
/// apilayer products) a string slug.
/// </summary>
internal sealed record ApilayerError(JsonElement? Code, string? Type, string? Info)
{
    /// <summary>Reads {"success":false,"error":{...}} out of any body; null when the body is something else.</summary>
    public static ApilayerError? TryRead(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                ? error.Deserialize<ApilayerError>(JsonSerializerOptions.Web)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public bool IsNoResults() => Number() == 106 || Slug() == "no_rates_available";

    public ProviderError ToProviderError()
    {
        var number = Number();
        var kind = number switch
        {
            101 or 102 or 105 => ProviderErrorKind.Configuration,
            104 => ProviderErrorKind.QuotaExhausted,
            201 or 202 => ProviderErrorKind.InvalidRequest,
            null => KindOf(Slug()),
            _ => ProviderErrorKind.Transient,
        };
        string[] parts = [number?.ToString(CultureInfo.InvariantCulture) ?? TextCode() ?? "", Type ?? ""];
        var code = string.Join(' ', parts.Where(part => part.Length > 0).Distinct(StringComparer.Ordinal));
        return new ProviderError(kind, code.Length > 0 ? code : "unknown", Info ?? Slug() ?? "error without details");
    }

    private int? Number()
    {
        if (Code is not { } code)
        {
            return null;
        }
        if (code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out var number))
        {
            return number;
        }
        return code.ValueKind == JsonValueKind.String && int.TryParse(code.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : null;
    }

    private string? TextCode() => Code is { ValueKind: JsonValueKind.String } code ? code.GetString() : null;

    private string? Slug() => Type ?? TextCode();

    private static ProviderErrorKind KindOf(string? slug) => slug switch
    {
        "missing_access_key" or "invalid_access_key" or "inactive_user" => ProviderErrorKind.Configuration,
        "usage_limit_reached" or "monthly_limit_reached" => ProviderErrorKind.QuotaExhausted,
        "invalid_base_currency" or "invalid_source_currency" or "invalid_currency_codes" => ProviderErrorKind.InvalidRequest,
        { } text when text.EndsWith("_access_restricted", StringComparison.Ordinal) => ProviderErrorKind.Configuration,
        _ => ProviderErrorKind.Transient,
    };
}
