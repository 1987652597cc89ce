using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Options;

namespace StockAlerts.Web.Infrastructure;

internal sealed class RequestLimitsOptions
{
    public const string Section = "Requests";

    /// <summary>Largest request body outside the hubs (they have Realtime:MaxMessageBytes).</summary>
    public long MaxBodyBytes { get; set; } = 64 * 1024;
}

internal sealed class RequestLimitsOptionsValidator : AbstractValidator<RequestLimitsOptions>
{
    public RequestLimitsOptionsValidator()
    {
        RuleFor(options => options.MaxBodyBytes).InclusiveBetween(1024, 100L * 1024 * 1024);
    }
}

/// <summary>
/// Refuses a larger body with 413 ProblemDetails: at once when Content-Length says so, else as soon as reading passes
/// the limit. Counted here rather than by Kestrel's limit, so that chunked bodies get the same answer on every server.
/// </summary>
internal static class RequestBodyLimit
{
    public static IServiceCollection AddRequestBodyLimit(this IServiceCollection services)
    {
        services.AddValidatedOptions<RequestLimitsOptions, RequestLimitsOptionsValidator>(RequestLimitsOptions.Section);
        return services;
    }

    public static void UseRequestBodyLimit(this WebApplication app)
    {
        var limit = app.Configuration.GetValidatedOptions<RequestLimitsOptions, RequestLimitsOptionsValidator>(RequestLimitsOptions.Section).MaxBodyBytes;
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(HubRoutes.Prefix))
            {
                await next(context);
                return;
            }
            if (context.Request.ContentLength > limit)
            {
                await WriteTooLargeAsync(context, limit);
                return;
            }
            var body = new LimitedReadStream(context.Request.Body, limit);
            context.Request.Body = body;
            await next(context);
            // Minimal APIs swallow the read failure (it is an IOException) and end the response empty.
            if (body.Exceeded && !context.Response.HasStarted)
            {
                context.Response.Clear();
                await WriteTooLargeAsync(context, limit);
            }
        });
    }

    private static async Task WriteTooLargeAsync(HttpContext context, long limit)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "Request body too large",
                Detail = $"The body may be at most {limit} bytes.",
            },
        });
    }

    private sealed class LimitedReadStream(Stream inner, long limit) : Stream
    {
        private long read;

        public bool Exceeded { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int bytes)
        {
            read += bytes;
            if (read > limit)
            {
                Exceeded = true;
                throw new BadHttpRequestException($"The body may be at most {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
            }
            return bytes;
        }
    }
}
