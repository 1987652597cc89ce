using FluentValidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace StockAlerts.Modules.Shared.Options;

public static class OptionsRegistration
{
    /// <summary>Binds a section, validates it with FluentValidation on start, and names the failing setting in the error.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidator<TOptions>, new()
    {
        services.AddSingleton<IValidateOptions<TOptions>>(new FluentOptionsValidator<TOptions>(section, new TValidator()));
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>For settings that decide how services are wired, and so are needed before the container exists.</summary>
    public static TOptions GetValidatedOptions<TOptions, TValidator>(this IConfiguration configuration, string section, Action<TOptions>? complete = null)
        where TOptions : class, new()
        where TValidator : IValidator<TOptions>, new()
    {
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
                $"Setting '{section}:{error.PropertyName}' (environment variable {section.Replace(":", "__")}__{error.PropertyName.Replace(".", "__")}): {error.ErrorMessage}"));
        }
    }
}
