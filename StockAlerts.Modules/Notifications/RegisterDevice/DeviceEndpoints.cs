using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Notifications.Data;
using StockAlerts.Modules.Shared.Api;
using StockAlerts.Modules.Shared.Users;

namespace StockAlerts.Modules.Notifications.RegisterDevice;

/// <summary>
/// A phone (platform android/ios: Token is its FCM registration token) or a browser (platform web: Token is the push
/// subscription's endpoint and WebPush its keys, from PushSubscription.toJSON()).
/// </summary>
internal sealed record RegisterDeviceRequest(
    [property: Required] string? Token,
    [property: Required, OneOf("android", "ios", "web")] string? Platform,
    string? AppVersion,
    WebPushKeysRequest? WebPush);

/// <summary>A browser push subscription's keys, base64url, as PushSubscription.toJSON().keys gives them.</summary>
internal sealed record WebPushKeysRequest([property: Required] string? P256dh, [property: Required] string? Auth);

/// <summary>What a browser passes to pushManager.subscribe as applicationServerKey.</summary>
internal sealed record WebPushKeyView(string PublicKey);

internal sealed class RegisterDeviceRequestValidator : AbstractValidator<RegisterDeviceRequest>
{
    public RegisterDeviceRequestValidator()
    {
        RuleFor(request => request.Token).NotEmpty().MaximumLength(512).WithMessage("token is the FCM registration token (at most 512 characters).");
        RuleFor(request => request.Platform).NotEmpty().Must(platform => platform is "android" or "ios" or "web").WithMessage("platform must be android, ios or web.");
        RuleFor(request => request.AppVersion).MaximumLength(50);
        When(request => request.Platform == "web", () =>
        {
            RuleFor(request => request.Token).Must(token => Uri.TryCreate(token, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
                .WithMessage("token of a browser is its push subscription's endpoint URL.");
            RuleFor(request => request.WebPush).NotNull().WithMessage("webPush holds the subscription's keys (p256dh, auth) from PushSubscription.toJSON().");
            RuleFor(request => request.WebPush!.P256dh).Must(key => WebPush.VapidKeys.TryDecode(key) is { Length: 65 } bytes && bytes[0] == 4)
                .When(request => request.WebPush is not null).OverridePropertyName("webPush.p256dh").WithMessage("webPush.p256dh is the subscription's P-256 public key, base64url.");
            RuleFor(request => request.WebPush!.Auth).Must(secret => WebPush.VapidKeys.TryDecode(secret) is { Length: 16 })
                .When(request => request.WebPush is not null).OverridePropertyName("webPush.auth").WithMessage("webPush.auth is the subscription's 16-byte auth secret, base64url.");
        });
        RuleFor(request => request.WebPush).Null().When(request => request.Platform is "android" or "ios")
            .WithMessage("webPush is for browsers (platform web) only.");
    }
}

internal sealed record DeviceView(Guid Id, string Platform, string? AppVersion, DateTime CreatedAt, DateTime LastSeenAt);

internal static class DeviceEndpoints
{
    /// <summary>More phones and browsers than one person uses; every device costs a push per notification.</summary>
    public const int MaxDevicesPerUser = 20;

    public static void MapDevices(this RouteGroupBuilder devices)
    {
        devices.MapPost("/", RegisterAsync).WithName("RegisterDevice").WithSummary("Registers or refreshes this phone's FCM token (a token belongs to one user; registering moves it)");
        devices.MapGet("/", ListAsync).WithName("ListDevices").WithSummary("The caller's registered devices (phones and browsers)");
        devices.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteDevice").WithSummary("Forgets a device: it gets no more pushes");
        devices.MapGet("/web-push-key", async (WebPush.VapidKeys keys, CancellationToken cancellationToken) =>
                TypedResults.Ok(new WebPushKeyView((await keys.GetAsync(cancellationToken)).PublicKey)))
            .WithName("GetWebPushKey").WithSummary("The server's VAPID public key: a browser subscribes to push with it (applicationServerKey)");
    }

    private static async Task<Results<Created<DeviceView>, Ok<DeviceView>>> RegisterAsync(
        RegisterDeviceRequest request, ClaimsPrincipal user, NotificationsDbContext database, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var userId = user.GetUserId();
        var device = await database.Devices.SingleOrDefaultAsync(candidate => candidate.Token == request.Token, cancellationToken);
        var created = device is null;
        if (device is null)
        {
            device = new DeviceRecord { Id = Guid.CreateVersion7(), UserId = userId, Token = request.Token!, Platform = request.Platform!, CreatedAt = now };
            database.Devices.Add(device);
        }
        device.UserId = userId;
        device.Platform = request.Platform!;
        device.AppVersion = request.AppVersion;
        device.WebPushP256dh = request.WebPush?.P256dh;
        device.WebPushAuth = request.WebPush?.Auth;
        device.LastSeenAt = now;
        try
        {
            await database.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (created)
        {
            // Registered at the same moment by a parallel call: refresh that row instead.
            database.ChangeTracker.Clear();
            return await RegisterAsync(request, user, database, time, cancellationToken);
        }
        await ForgetLeastRecentlySeenBeyondCapAsync(database, userId, cancellationToken);
        var view = new DeviceView(device.Id, device.Platform, device.AppVersion, device.CreatedAt, device.LastSeenAt);
        return created ? TypedResults.Created($"/api/devices/{device.Id}", view) : TypedResults.Ok(view);
    }

    private static async Task<Ok<List<DeviceView>>> ListAsync(ClaimsPrincipal user, NotificationsDbContext database, CancellationToken cancellationToken) =>
        TypedResults.Ok(await database.Devices.AsNoTracking().Where(device => device.UserId == user.GetUserId())
            .OrderBy(device => device.CreatedAt)
            .Take(MaxDevicesPerUser)
            .Select(device => new DeviceView(device.Id, device.Platform, device.AppVersion, device.CreatedAt, device.LastSeenAt))
            .ToListAsync(cancellationToken));

    /// <summary>FCM tokens rotate and old ones are rarely unregistered: beyond the cap the stalest device goes.</summary>
    private static async Task ForgetLeastRecentlySeenBeyondCapAsync(NotificationsDbContext database, string userId, CancellationToken cancellationToken)
    {
        var beyondCap = await database.Devices.Where(device => device.UserId == userId)
            .OrderByDescending(device => device.LastSeenAt).ThenByDescending(device => device.Id)
            .Skip(MaxDevicesPerUser)
            .Select(device => device.Id)
            .ToListAsync(cancellationToken);
        if (beyondCap.Count > 0)
        {
            await database.Devices.Where(device => beyondCap.Contains(device.Id)).ExecuteDeleteAsync(cancellationToken);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, ClaimsPrincipal user, NotificationsDbContext database, CancellationToken cancellationToken)
    {
        var deleted = await database.Devices.Where(device => device.Id == id && device.UserId == user.GetUserId()).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0
            ? TypedResults.Problem($"No device {id}.", statusCode: StatusCodes.Status404NotFound, title: "Device not found")
            : TypedResults.NoContent();
    }
}
