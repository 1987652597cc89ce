using System.Collections.Concurrent;
using System.Reflection;
using System.Text.RegularExpressions;
using FluentValidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace StockAlerts.Modules.Shared.Options;

public static partial class OptionsRegistration
{
    private static readonly ConcurrentDictionary<string, Type[]> Sections = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Binds a section, validates it with FluentValidation on start, and names the failing setting in the error.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidator<TOptions>, new()
    {
        Sections.TryAdd(section, [typeof(TOptions)]);
        services.AddSingleton<IValidateOptions<TOptions>>(new FluentOptionsValidator<TOptions>(section, new TValidator()));
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>For settings that decide how services are wired, and so are needed before the container exists.</summary>
    public static TOptions GetValidatedOptions<TOptions, TValidator>(this IConfiguration configuration, string section, Action<TOptions>? complete = null)
        where TOptions : class, new()
        where TValidator : IValidator<TOptions>, new()
    {
        Sections.TryAdd(section, [typeof(TOptions)]);
        var options = configuration.GetSection(section).Get<TOptions>() ?? new TOptions();
        complete?.Invoke(options);
        var result = new FluentOptionsValidator<TOptions>(section, new TValidator()).Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(section, typeof(TOptions), result.Failures);
        }
        return options;
    }

    private sealed class FluentOptionsValidator<TOptions>(string section, IValidator<TOptions> validator) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var result = validator.Validate(options);
            if (result.IsValid)
            {
                return ValidateOptionsResult.Success;
            }
            return ValidateOptionsResult.Fail(result.Errors.Select(error =>
            {
                // "AllowedOrigins[0]" is written Cors:AllowedOrigins:0 in JSON and Cors__AllowedOrigins__0 in the environment.
                var setting = $"{section}:{Index().Replace(error.PropertyName, ":$1").Replace('.', ':')}";
                return $"Setting '{setting}' (environment variable {setting.Replace(":", "__")}): {error.ErrorMessage}";
            }));
        }
    }

    /// <summary>
    /// For a section read without a validated options class (Jobs:Schedule, the price providers), so that its keys
    /// are known too; several shapes when one section binds to several classes.
    /// </summary>
    public static void KnowSection(string section, params Type[] shapes) => Sections.TryAdd(section, shapes);

    /// <summary>
    /// Settings given in one of StockAlerts' sections that nothing reads, e.g. a misspelled Jobs__Schedul, which
    /// configuration would otherwise ignore without a word. A section registered on its own (Prices:Providers:x) is
    /// not unknown inside its parent.
    /// </summary>
    public static IEnumerable<string> UnknownSettings(IConfiguration configuration) =>
        Sections.SelectMany(walked => Unknown(configuration.GetSection(walked.Key), walked.Value)
                .Where(path => !Sections.Keys.Any(other => !Same(other, walked.Key)
                    && (Same(path, other) || (Inside(path, other) && Inside(other, walked.Key)) || Inside(other, path)))))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal);

    private static bool Same(string path, string other) => string.Equals(path, other, StringComparison.OrdinalIgnoreCase);

    private static bool Inside(string path, string section) => path.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<string> Unknown(IConfigurationSection section, Type[] shapes)
    {
        var type = Nullable.GetUnderlyingType(shapes[0]) ?? shapes[0];
        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(DateTime)
            || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri))
        {
            yield break;
        }
        var dictionary = type.GetInterfaces().Append(type).FirstOrDefault(face => face.IsGenericType && face.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        var sequence = type.GetInterfaces().Append(type).FirstOrDefault(face => face.IsGenericType && face.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        if (dictionary is not null || type.IsArray || sequence is not null)
        {
            var element = dictionary?.GetGenericArguments()[1] ?? type.GetElementType() ?? sequence!.GetGenericArguments()[0];
            foreach (var child in section.GetChildren().SelectMany(child => Unknown(child, [element])))
            {
                yield return child;
            }
            yield break;
        }
        var properties = shapes.SelectMany(shape => shape.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .GroupBy(property => property.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(group => group.Key, group => group.First(), StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (!properties.TryGetValue(child.Key, out var property))
            {
                yield return child.Path;
                continue;
            }
            foreach (var nested in Unknown(child, [property.PropertyType]))
            {
                yield return nested;
            }
        }
    }

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex Index();
}
