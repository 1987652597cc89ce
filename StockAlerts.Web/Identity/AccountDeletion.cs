using Mediator;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Shared.Users;

namespace StockAlerts.Web.Identity;

/// <summary>
/// Deletes an account in steps that can each run again: mark it (sign-in is refused from then on), end its sessions,
/// let every module erase its data, delete the user, unmark it. A deletion cut short is finished by the
/// <see cref="JobId"/> job, so no half of a user stays behind.
/// </summary>
internal sealed partial class AccountDeletion(
    UsersDbContext database, UserManager<IdentityUser> users, Sessions sessions, IMediator mediator, TimeProvider time, ILogger<AccountDeletion> logger)
{
    public const string JobId = "account:finish-deletions";

    public async Task DeleteAsync(string userId, CancellationToken cancellationToken)
    {
        if (!await database.PendingDeletions.AnyAsync(pending => pending.UserId == userId, cancellationToken))
        {
            database.PendingDeletions.Add(new PendingDeletion { UserId = userId, RequestedAt = time.GetUtcNow().UtcDateTime });
            await database.SaveChangesAsync(cancellationToken);
        }
        await FinishAsync(userId, cancellationToken);
    }

    public async Task FinishPendingAsync(CancellationToken cancellationToken)
    {
        foreach (var userId in await database.PendingDeletions.Select(pending => pending.UserId).ToListAsync(cancellationToken))
        {
            await FinishAsync(userId, cancellationToken);
        }
    }

    private async Task FinishAsync(string userId, CancellationToken cancellationToken)
    {
        await sessions.EndAllAsync(userId, except: null, cancellationToken);
        await mediator.Publish(new UserDataErasing(userId), cancellationToken);
        if (await users.FindByIdAsync(userId) is { } user)
        {
            var deleted = await users.DeleteAsync(user);
            if (!deleted.Succeeded)
            {
                throw new InvalidOperationException($"Deleting user {userId} failed: {string.Join("; ", deleted.Errors.Select(error => error.Description))}");
            }
        }
        await database.Sessions.Where(session => session.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await database.PendingDeletions.Where(pending => pending.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        LogDeleted(userId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {UserId} and all its data were deleted")]
    private partial void LogDeleted(string userId);
}
