namespace StockAlerts.Modules.Shared.Api;

/// <summary>
/// A string property that takes one of an enum's names, in camelCase. The OpenAPI document lists them as its enum;
/// validators check them with <see cref="ApiNames"/>, so the two cannot drift apart.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class ValuesAttribute(Type enumType) : Attribute
{
    public IReadOnlyList<string> Names { get; } = ApiNames.Of(enumType);
}

/// <summary>A string property that takes one of a fixed list of values.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class OneOfAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Names { get; } = values;
}
