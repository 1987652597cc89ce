using System.Data;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Modules.Alerts.Data;

/// <summary>
/// Serialises one user's rule writes across every instance, so two requests can never both pass the rule cap or the
/// duplicate check (count, then insert, is a race without it). On MariaDB/MySQL a named lock held for the
/// transaction; on SQLite the transaction itself, which takes the database's single write lock when it begins.
/// </summary>
internal sealed class UserRuleLock : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly AlertsDbContext database;
    private readonly IDbContextTransaction transaction;
    private readonly string? name;

    private UserRuleLock(AlertsDbContext database, IDbContextTransaction transaction, string? name)
    {
        this.database = database;
        this.transaction = transaction;
        this.name = name;
    }

    public static async Task<UserRuleLock> TakeAsync(AlertsDbContext database, string userId, CancellationToken cancellationToken)
    {
        // Read committed: the count after the lock must see what the previous holder committed.
        var transaction = await database.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        if (!database.Database.IsMySql())
        {
            return new UserRuleLock(database, transaction, null);
        }
        var name = NameFor(userId);
        try
        {
            var taken = await database.Database.SqlQuery<long?>($"SELECT GET_LOCK({name}, {(int)Wait.TotalSeconds}) AS `Value`").SingleAsync(cancellationToken);
            if (taken != 1)
            {
                throw new StoreBusyException($"Another change to the same user's rules held the lock for {Wait.TotalSeconds} s.");
            }
        }
        catch
        {
            // The lock may have been granted as the wait was cancelled: a pooled connection must not keep it.
            await ReleaseAsync(database, name);
            await transaction.DisposeAsync();
            throw;
        }
        return new UserRuleLock(database, transaction, name);
    }

    /// <summary>The named lock of a user's rules (lock names are at most 64 characters; a user id may be 128).</summary>
    public static string NameFor(string userId) => $"stockalerts:rules:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(userId)))[..40]}";

    public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (name is not null)
        {
            await ReleaseAsync(database, name);
        }
        await transaction.DisposeAsync();
    }

    private static async Task ReleaseAsync(AlertsDbContext database, string name)
    {
        try
        {
            await database.Database.ExecuteSqlAsync($"DO RELEASE_LOCK({name})");
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or InvalidOperationException)
        {
            // A broken connection has released the lock with itself.
        }
    }
}
