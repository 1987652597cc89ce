using System.Collections.Concurrent;
using FluentValidation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace StockAlerts.Modules.Shared.Validation;

/// <summary>
/// Validates every endpoint argument that has a FluentValidation validator, answering 400 ValidationProblem with
/// field-level errors before the handler runs, so nothing is half-written.
/// </summary>
public sealed class ValidationFilter : IEndpointFilter
{
    private static readonly ConcurrentDictionary<Type, Type> ValidatorTypes = new();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var argument in context.Arguments)
        {
            if (argument is null || argument is CancellationToken || argument is HttpContext)
            {
                continue;
            }

            var validatorType = ValidatorTypes.GetOrAdd(argument.GetType(), type => typeof(IValidator<>).MakeGenericType(type));
            if (context.HttpContext.RequestServices.GetService(validatorType) is not IValidator validator)
            {
                continue;
            }

            var result = await validator.ValidateAsync(new ValidationContext<object>(argument), context.HttpContext.RequestAborted);
            if (!result.IsValid)
            {
                return TypedResults.ValidationProblem(ApiErrors.Keyed(result));
            }
        }
        return await next(context);
    }
}
