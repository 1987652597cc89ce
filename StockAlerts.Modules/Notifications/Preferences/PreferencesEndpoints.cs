using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Notifications.Data;
using StockAlerts.Modules.Shared;
using StockAlerts.Modules.Shared.Users;

namespace StockAlerts.Modules.Notifications.Preferences;

/// <summary>Quiet hours (HH:mm, in TimeZone) make pushes silent; Digest groups bursts into one push.</summary>
internal sealed record PreferencesView(string[] DefaultChannels, string? QuietFrom, string? QuietTo, string TimeZone, bool Digest);

internal sealed class PreferencesViewValidator : AbstractValidator<PreferencesView>
{
    public PreferencesViewValidator()
    {
        RuleFor(preferences => preferences.DefaultChannels).Cascade(CascadeMode.Stop).NotEmpty().Must(channels => channels.All(channel => channel is "push" or "live" or "webhook"))
            .WithMessage("defaultChannels are among push, live, webhook.");
        RuleFor(preferences => preferences.QuietFrom).Must(BeATime).WithMessage("quietFrom is HH:mm.");
        RuleFor(preferences => preferences.QuietTo).Must(BeATime).WithMessage("quietTo is HH:mm.");
        RuleFor(preferences => preferences).Must(preferences => (preferences.QuietFrom is null) == (preferences.QuietTo is null))
            .OverridePropertyName("quietTo").WithMessage("Give both quietFrom and quietTo, or neither.");
        RuleFor(preferences => preferences.TimeZone).NotEmpty().Must(zone => TimeZones.TryFind(zone, out _)).WithMessage("timeZone must be an IANA time zone such as Europe/Berlin.");
    }

    private static bool BeATime(string? text) => text is null || TimeOnly.TryParseExact(text, "HH:mm", out _);
}

internal static class PreferencesEndpoints
{
    public static void MapPreferences(this RouteGroupBuilder notifications)
    {
        notifications.MapGet("/preferences", GetAsync).WithName("GetNotificationPreferences")
            .WithSummary("The caller's notification preferences: default channels, quiet hours, time zone, digest");
        notifications.MapPut("/preferences", PutAsync).WithName("SetNotificationPreferences")
            .WithSummary("Replaces the caller's notification preferences");
    }

    private static async Task<Ok<PreferencesView>> GetAsync(ClaimsPrincipal user, NotificationsDbContext database, CancellationToken cancellationToken)
    {
        var stored = await database.Preferences.AsNoTracking().SingleOrDefaultAsync(preferences => preferences.UserId == user.GetUserId(), cancellationToken)
            ?? new PreferencesRecord { UserId = user.GetUserId() };
        return TypedResults.Ok(ToView(stored));
    }

    private static async Task<Ok<PreferencesView>> PutAsync(PreferencesView request, ClaimsPrincipal user, NotificationsDbContext database, CancellationToken cancellationToken)
    {
        var userId = user.GetUserId();
        var stored = await database.Preferences.SingleOrDefaultAsync(preferences => preferences.UserId == userId, cancellationToken);
        if (stored is null)
        {
            stored = new PreferencesRecord { UserId = userId };
            database.Preferences.Add(stored);
        }
        stored.DefaultChannels = string.Join(',', request.DefaultChannels.Distinct());
        stored.QuietFrom = request.QuietFrom is null ? null : TimeOnly.ParseExact(request.QuietFrom, "HH:mm");
        stored.QuietTo = request.QuietTo is null ? null : TimeOnly.ParseExact(request.QuietTo, "HH:mm");
        stored.TimeZone = request.TimeZone;
        stored.Digest = request.Digest;
        await database.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(ToView(stored));
    }

    private static PreferencesView ToView(PreferencesRecord stored) => new(
        stored.DefaultChannels.Split(',', StringSplitOptions.RemoveEmptyEntries), stored.QuietFrom?.ToString("HH:mm"), stored.QuietTo?.ToString("HH:mm"), stored.TimeZone, stored.Digest);
}
