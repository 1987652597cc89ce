using FluentValidation;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Data;
using StockAlerts.Modules.Shared.Options;

namespace StockAlerts.Web.Infrastructure;

internal sealed class RealtimeOptions
{
    public const string Section = "Realtime";

    /// <summary>Live connections one user may hold at once, over both hubs and every instance.</summary>
    public int MaxConnectionsPerUser { get; set; } = 10;

    /// <summary>Largest message a client may send to a hub.</summary>
    public int MaxMessageBytes { get; set; } = 32 * 1024;

    /// <summary>Hub calls a second one user may make (bursts of twice that); more are refused with a HubException.</summary>
    public int CallsPerSecond { get; set; } = 20;
}

internal sealed class RealtimeOptionsValidator : AbstractValidator<RealtimeOptions>
{
    public RealtimeOptionsValidator()
    {
        RuleFor(options => options.MaxConnectionsPerUser).InclusiveBetween(1, 10_000);
        RuleFor(options => options.MaxMessageBytes).InclusiveBetween(1024, 1024 * 1024);
        RuleFor(options => options.CallsPerSecond).InclusiveBetween(1, 10_000);
    }
}

internal static class RealtimeSetup
{
    /// <summary>SignalR, with the Redis backplane when Redis is configured.</summary>
    public static IServiceCollection AddRealtime(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RealtimeOptions, RealtimeOptionsValidator>(RealtimeOptions.Section);
        var realtime = configuration.GetValidatedOptions<RealtimeOptions, RealtimeOptionsValidator>(RealtimeOptions.Section);
        var signalR = services.AddSignalR(options =>
        {
            options.MaximumReceiveMessageSize = realtime.MaxMessageBytes;
            options.AddFilter<UserConnectionLimit>();
            options.AddFilter<HubCallLimit>();
        });
        // Beside JSON, for clients that choose it (smaller frames, less parsing on a phone): the same messages, keyed
        // by the server's property names. A group message is serialized once per protocol in use.
        signalR.AddMessagePackProtocol();
        services.AddSingleton<UserConnectionLimit>();
        services.AddSingleton<HubCallLimit>();
        // Takes the hub token out of the query string before anything can log the request line.
        services.AddSingleton<IHttpContextFactory, HubAccessTokenContextFactory>();
        if (configuration.HasRedis())
        {
            signalR.AddStackExchangeRedis(configuration.GetConnectionString("Redis")!, options => options.Configuration.ChannelPrefix = RedisChannel.Literal("stockalerts:signalr"));
            services.AddSingleton<RedisUserConnections>();
            services.AddSingleton<IUserConnections>(provider => provider.GetRequiredService<RedisUserConnections>());
            services.AddHostedService(provider => provider.GetRequiredService<RedisUserConnections>());
        }
        else
        {
            services.AddSingleton<IUserConnections, InProcessUserConnections>();
        }
        return services;
    }
}
