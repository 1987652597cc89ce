using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Modules.Notifications.WebPush;

/// <summary>
/// The server's VAPID key pair, which browsers bind their push subscriptions to. Given by configuration, or made at
/// first start and kept with the other keys: in Redis when configured (the first instance to make one wins, so a
/// cluster shares it), else in the data folder (owner-only). Changing it orphans every browser subscription.
/// </summary>
internal sealed partial class VapidKeys(IServiceProvider services, IOptions<WebPushOptions> options, IOptions<StorageOptions> storage, ILogger<VapidKeys> logger)
{
    public const string RedisKey = "stockalerts:webpush:vapid";
    public const string FileName = "webpush-vapid.json";

    private readonly SemaphoreSlim gate = new(1, 1);
    private KeyPair? pair;

    public sealed record KeyPair(string PublicKey, string PrivateKey);

    public async Task<KeyPair> GetAsync(CancellationToken cancellationToken)
    {
        if (pair is not null)
        {
            return pair;
        }
        await gate.WaitAsync(cancellationToken);
        try
        {
            return pair ??= await LoadOrCreateAsync();
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<KeyPair> LoadOrCreateAsync()
    {
        var configured = options.Value;
        if (!string.IsNullOrEmpty(configured.PublicKey) && !string.IsNullOrEmpty(configured.PrivateKey))
        {
            return new KeyPair(configured.PublicKey, configured.PrivateKey);
        }
        var created = Create();
        if (services.GetService<IConnectionMultiplexer>() is { } redis)
        {
            var database = redis.GetDatabase();
            if (await database.StringSetAsync(RedisKey, JsonSerializer.Serialize(created), when: When.NotExists))
            {
                LogCreated("Redis");
                return created;
            }
            return JsonSerializer.Deserialize<KeyPair>((string)(await database.StringGetAsync(RedisKey))!)!;
        }
        var file = Path.Combine(storage.Value.EnsureFolder(), FileName);
        if (File.Exists(file))
        {
            return JsonSerializer.Deserialize<KeyPair>(await File.ReadAllTextAsync(file))!;
        }
        await using (var stream = OperatingSystem.IsWindows()
            ? new FileStream(file, FileMode.CreateNew, FileAccess.Write)
            : new FileStream(file, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        {
            await JsonSerializer.SerializeAsync(stream, created);
        }
        LogCreated(file);
        return created;
    }

    public static KeyPair Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(includePrivateParameters: true);
        return new KeyPair(WebEncoders.Base64UrlEncode([0x04, .. parameters.Q.X!, .. parameters.Q.Y!]), WebEncoders.Base64UrlEncode(parameters.D!));
    }

    public static bool IsPublicKey(string key) => TryDecode(key) is { Length: 65 } bytes && bytes[0] == 0x04;

    public static bool IsPrivateKey(string key) => TryDecode(key) is { Length: 32 };

    public static byte[]? TryDecode(string? text)
    {
        try
        {
            return text is null ? null : WebEncoders.Base64UrlDecode(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notifications: made the Web Push (VAPID) key pair, kept in {Where}")]
    private partial void LogCreated(string where);
}
