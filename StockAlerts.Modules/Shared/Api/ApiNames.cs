namespace StockAlerts.Modules.Shared.Api;

/// <summary>Enum names as the API writes them (camelCase), and parsing that accepts exactly those (any case, never a number).</summary>
public static class ApiNames
{
    public static IReadOnlyList<string> Of(Type enumType) => Enum.GetNames(enumType).Select(Name).ToArray();

    public static string Name(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => Name(value.ToString());

    public static bool TryParse<TEnum>(string? text, out TEnum value) where TEnum : struct, Enum
    {
        value = default;
        return !string.IsNullOrWhiteSpace(text) && !char.IsDigit(text[0]) && text[0] != '-' && text[0] != '+'
            && Enum.GetNames<TEnum>().Any(name => name.Equals(text, StringComparison.OrdinalIgnoreCase))
            && Enum.TryParse(text, ignoreCase: true, out value);
    }

    public static bool IsName<TEnum>(string? text) where TEnum : struct, Enum => TryParse<TEnum>(text, out _);

    public static string List<TEnum>() where TEnum : struct, Enum => string.Join(", ", Of(typeof(TEnum)));
}
