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

internal sealed record RegisterDeviceRequest([property: Required] string? Token, [property: Required, OneOf("android", "ios", "web")] string? Platform, string? AppVersion);

internal sealed class RegisterDeviceRequestValidator : AbstractValidator<RegisterDeviceRequest>
{
    public RegisterDeviceRequestValidator()
    {
        RuleFor(request => request.Token).NotEmpty().MaximumLength(512).WithMessage("token is the FCM registration token (at most 512 characters).");
        RuleFor(request => request.Platform).NotEmpty().Must(platform => platform is "android" or "ios" or "web").WithMessage("platform must be android, ios or web.");
        RuleFor(request => request.AppVersion).MaximumLength(50);
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
