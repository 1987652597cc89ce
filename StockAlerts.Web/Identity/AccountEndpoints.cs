using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using StockAlerts.Modules.Alerts.Contracts;
using StockAlerts.Modules.Notifications.Contracts;
using StockAlerts.Modules.Prices.Contracts;
using StockAlerts.Modules.Shared.Users;
using StockAlerts.Modules.Shared.Validation;

namespace StockAlerts.Web.Identity;

internal sealed record ChangePasswordRequest([property: Required] string? CurrentPassword, [property: Required] string? NewPassword);

internal sealed record DeleteAccountRequest([property: Required] string? Password);

internal sealed class ChangePasswordRequestValidator : AbstractValidator<ChangePasswordRequest>
{
    public ChangePasswordRequestValidator()
    {
        RuleFor(request => request.CurrentPassword).NotEmpty().MaximumLength(256);
        RuleFor(request => request.NewPassword).NotEmpty().MaximumLength(256);
    }
}

internal sealed class DeleteAccountRequestValidator : AbstractValidator<DeleteAccountRequest>
{
    public DeleteAccountRequestValidator() => RuleFor(request => request.Password).NotEmpty().MaximumLength(256);
}

/// <summary>Everything StockAlerts holds of a user, at the time of the export.</summary>
internal sealed record AccountExport(
    AccountView Account, DateTime ExportedAt, IReadOnlyList<string> Watchlist, UserAlertsExport Alerts, UserNotificationsExport Notifications);

/// <summary>The signed-in user's account: who they are, their password, their data (export) and the account itself (deletion).</summary>
internal static class AccountEndpoints
{
    public static void MapAccount(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/api/account").WithTags("Account").RequireAuthorization().AddEndpointFilter<ValidationFilter>();
        account.MapGet("/", GetAsync).WithName("GetAccount").WithSummary("The signed-in user: email and whether they are an admin");
        account.MapPost("/password", ChangePasswordAsync).WithName("ChangePassword")
            .WithSummary("Changes the password; every other device is signed out");
        account.MapGet("/export", ExportAsync).WithName("ExportAccount").WithSummary("Everything StockAlerts holds of the user, as JSON");
        account.MapDelete("/", DeleteAsync).WithName("DeleteAccount")
            .WithSummary("Deletes the account and everything of it (rules, firings, notifications, devices, preferences); needs the password");
    }

    // A token outliving its account (deleted on another device) is treated as signed out.
    private static ProblemHttpResult Gone() =>
        TypedResults.Problem("This account no longer exists.", statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in");

    private static async Task<Results<Ok<AccountView>, ProblemHttpResult>> GetAsync(ClaimsPrincipal principal, UserManager<IdentityUser> users) =>
        await users.GetUserAsync(principal) is { } user
            ? TypedResults.Ok(new AccountView(user.Id, user.Email!, principal.IsInRole(CurrentUser.AdminRole)))
            : Gone();

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePasswordAsync(
        ChangePasswordRequest request, ClaimsPrincipal principal, UserManager<IdentityUser> users, Sessions sessions, CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(principal) is not { } user)
        {
            return Gone();
        }
        var changed = await users.ChangePasswordAsync(user, request.CurrentPassword!, request.NewPassword!);
        if (!changed.Succeeded)
        {
            return TypedResults.ValidationProblem(changed.Errors
                .GroupBy(error => error.Code == "PasswordMismatch" ? "currentPassword" : "newPassword")
                .ToDictionary(group => group.Key, group => group.Select(error => error.Code == "PasswordMismatch" ? "The current password is wrong." : error.Description).ToArray()));
        }
        await sessions.EndAllAsync(user.Id, except: Sessions.SessionOf(principal), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<AccountExport>, ProblemHttpResult>> ExportAsync(
        ClaimsPrincipal principal, UserManager<IdentityUser> users, IMediator mediator, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(principal) is not { } user)
        {
            return Gone();
        }
        return TypedResults.Ok(new AccountExport(
            new AccountView(user.Id, user.Email!, principal.IsInRole(CurrentUser.AdminRole)),
            time.GetUtcNow().UtcDateTime,
            await mediator.Send(new ExportUserWatchlist(user.Id), cancellationToken),
            await mediator.Send(new ExportUserAlerts(user.Id), cancellationToken),
            await mediator.Send(new ExportUserNotifications(user.Id), cancellationToken)));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        [Microsoft.AspNetCore.Mvc.FromBody] DeleteAccountRequest request, ClaimsPrincipal principal, UserManager<IdentityUser> users, AccountDeletion deletion,
        CancellationToken cancellationToken)
    {
        if (await users.GetUserAsync(principal) is not { } user)
        {
            return Gone();
        }
        if (!await users.CheckPasswordAsync(user, request.Password!))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["password"] = ["The password is wrong."] });
        }
        await deletion.DeleteAsync(user.Id, cancellationToken);
        return TypedResults.NoContent();
    }
}
