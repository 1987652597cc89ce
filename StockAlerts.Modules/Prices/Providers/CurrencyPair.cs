namespace StockAlerts.Modules.Prices.Providers;

/// <summary>An FX symbol such as GBPUSD: the price of one BaseCurrency in QuoteCurrency.</summary>
internal readonly record struct CurrencyPair(string Symbol, string BaseCurrency, string QuoteCurrency)
{
    public static (List<CurrencyPair> Pairs, List<string> Invalid) ParseAll(IEnumerable<string> symbols)
    {
        var pairs = new List<CurrencyPair>();
        var invalid = new List<string>();
        foreach (var symbol in symbols.Distinct(StringComparer.Ordinal))
        {
            if (symbol.Length == 6 && symbol.All(char.IsAsciiLetterUpper) && symbol[..3] != symbol[3..])
            {
                pairs.Add(new CurrencyPair(symbol, symbol[..3], symbol[3..]));
            }
            else
            {
                invalid.Add(symbol);
            }
        }
        return (pairs, invalid);
    }

    public static IEnumerable<string> CurrenciesOtherThan(IEnumerable<CurrencyPair> pairs, string commonCurrency) =>
        pairs.SelectMany(pair => new[] { pair.BaseCurrency, pair.QuoteCurrency })
            .Where(currency => currency != commonCurrency)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);

    /// <summary>Keeps the usable rates (units of each currency per one commonCurrency) and adds commonCurrency itself at 1.</summary>
    public static Dictionary<string, decimal> RatesAgainst(string commonCurrency, IEnumerable<KeyValuePair<string, decimal?>> rates)
    {
        var usable = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (currency, rate) in rates)
        {
            if (rate is decimal value && value > 0)
            {
                usable[currency.ToUpperInvariant()] = value;
            }
        }
        usable[commonCurrency.ToUpperInvariant()] = 1m;
        return usable;
    }

    public static ProviderResult ToResult(IReadOnlyList<CurrencyPair> pairs, IReadOnlyDictionary<string, decimal> rates, DateTime providerTime, IReadOnlyList<string> invalid)
    {
        var quotes = new List<ProviderQuote>(pairs.Count);
        var noData = new List<string>(invalid);
        foreach (var pair in pairs)
        {
            if (pair.CrossRate(rates) is { } price)
            {
                quotes.Add(new ProviderQuote(pair.Symbol, price, providerTime));
            }
            else
            {
                noData.Add(pair.Symbol);
            }
        }
        return new ProviderResult(quotes, noData, null);
    }

    public static ProviderResult NoDataFor(IReadOnlyList<CurrencyPair> pairs, IReadOnlyList<string> invalid) =>
        new([], [.. invalid, .. pairs.Select(pair => pair.Symbol)], null);

    /// <summary>rate(A→B) = rates[B] / rates[A]: both rates are against the same common currency.</summary>
    private decimal? CrossRate(IReadOnlyDictionary<string, decimal> rates)
    {
        if (!rates.TryGetValue(BaseCurrency, out var baseRate) || !rates.TryGetValue(QuoteCurrency, out var quoteRate) || baseRate <= 0 || quoteRate <= 0)
        {
            return null;
        }
        try
        {
            var rate = RoundToSignificantDigits(quoteRate / baseRate, 10);
            return rate > 0 ? rate : null;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>A division yields 28 digits; ten significant ones are more than any feed delivers.</summary>
    private static decimal RoundToSignificantDigits(decimal value, int digits)
    {
        var magnitude = (int)Math.Floor(Math.Log10((double)value));
        return Math.Round(value, Math.Clamp(digits - 1 - magnitude, 0, 20));
    }
}
