using System.Reflection;
using Microsoft.Extensions.Options;

namespace StockAlerts.Web.Infrastructure;

/// <summary>
/// A wrong setting or a refused key ends startup with one line that names what to fix and exit code 1, not a stack
/// trace. In a test host the exception travels on, so tests can read it.
/// </summary>
internal static class StartupFailure
{
    public static bool IsOperatorError(Exception exception) =>
        Assembly.GetEntryAssembly() == typeof(StartupFailure).Assembly
        && Unwrap(exception) is OptionsValidationException or StartupRefusedException;

    public static string Describe(Exception exception) => Unwrap(exception) switch
    {
        OptionsValidationException validation => "StockAlerts cannot start: " + string.Join(" ", validation.Failures),
        var other => "StockAlerts cannot start: " + other.Message,
    };

    private static Exception Unwrap(Exception exception) =>
        exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : exception;
}
