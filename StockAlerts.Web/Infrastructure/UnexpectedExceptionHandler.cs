using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using StackExchange.Redis;
using StockAlerts.Modules.Shared.Data;
using StockAlerts.Modules.Shared.Validation;

namespace StockAlerts.Web.Infrastructure;

/// <summary>
/// Turns what nobody expected into a logged 500 ProblemDetails that never carries a stack trace, and a store that is
/// briefly away (the database or Redis restarting) into a 503 with Retry-After that a client can simply retry.
/// </summary>
internal sealed partial class UnexpectedExceptionHandler(IProblemDetailsService problemDetails, ILogger<UnexpectedExceptionHandler> logger) : IExceptionHandler
{
    private const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException unreadable && ApiErrors.FromUnreadableRequest(unreadable, httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.RequestType) is { } validationProblem)
        {
            await validationProblem.ExecuteAsync(httpContext);
            return true;
        }
        var unavailable = UnavailableStore(exception);
        var (status, title) = exception switch
        {
            BadHttpRequestException badRequest => (badRequest.StatusCode, "The request could not be read."),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => (499, "The client closed the request."),
            _ when unavailable is not null => (StatusCodes.Status503ServiceUnavailable, $"The {unavailable} is briefly unavailable."),
            _ => (StatusCodes.Status500InternalServerError, "An unexpected error occurred."),
        };
        if (unavailable is not null)
        {
            LogUnavailable(unavailable, httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name);
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        }
        else if (status >= 500)
        {
            LogUnexpected(exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = title,
                Detail = unavailable is not null ? $"Try again in {RetryAfterSeconds} seconds." : status < 500 ? exception.Message : null,
            },
        });
    }

    /// <summary>"database" or "cache" when the failure is a store that could not be reached, else null.</summary>
    internal static string? UnavailableStore(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case RedisConnectionException or RedisTimeoutException:
                    return "cache";
                // A Redis that is back but still reading its data from disk (or busy, or without its primary)
                // answers every command with an error for a moment: as unavailable as one that is down.
                case RedisServerException { Kind: RedisErrorKind.Loading or RedisErrorKind.Busy or RedisErrorKind.MasterDown or RedisErrorKind.TryAgain
                    or RedisErrorKind.ClusterDown or RedisErrorKind.MaxClients }:
                    return "cache";
                case DbException { IsTransient: true } or StoreBusyException:
                    return "database";
                // A database that went away in the middle of an answer ("Failed to read the result set"): the
                // connection broke, nothing of the statement was applied, and a retry meets a database back up.
                case DbException { InnerException: IOException or System.Net.Sockets.SocketException }:
                    return "database";
                case AggregateException { InnerExceptions.Count: > 1 } aggregate:
                    return aggregate.InnerExceptions.Select(UnavailableStore).FirstOrDefault(store => store is not null);
            }
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Path}")]
    private partial void LogUnexpected(Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Store} was unreachable during {Method} {Path} ({Error}); answered 503 with Retry-After")]
    private partial void LogUnavailable(string store, string method, string path, string error);
}
