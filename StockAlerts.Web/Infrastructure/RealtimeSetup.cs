using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using StackExchange.Redis;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Web.Infrastructure;

internal static class RealtimeSetup
{
    /// <summary>
    /// SignalR, with the Redis backplane when Redis is configured; and data-protection keys (they sign bearer tokens
    /// and cookies) shared through Redis, or kept in the data folder in embedded mode.
    /// </summary>
    public static IServiceCollection AddRealtimeAndKeys(this IServiceCollection services, IConfiguration configuration)
    {
        var signalR = services.AddSignalR(options => options.MaximumReceiveMessageSize = 32 * 1024);
        var dataProtection = services.AddDataProtection().SetApplicationName("StockAlerts");
        var redis = configuration.GetConnectionString("Redis");
        if (configuration.HasRedis())
        {
            signalR.AddStackExchangeRedis(redis!, options => options.Configuration.ChannelPrefix = RedisChannel.Literal("stockalerts:signalr"));
            services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((options, multiplexer) =>
                options.XmlRepository = new RedisXmlRepository(() => multiplexer.GetDatabase(), "stockalerts:dataprotection:keys"));
        }
        else
        {
            var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(Path.GetFullPath(storage.DataDirectory), "keys")));
        }
        return services;
    }
}
