using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Web.Identity;

/// <summary>ASP.NET Core Identity's tables (users, roles, logins, tokens), the sign-in sessions and pending deletions.</summary>
internal abstract class UsersDbContext(DbContextOptions options) : IdentityDbContext<IdentityUser>(options)
{
    public DbSet<UserSession> Sessions => Set<UserSession>();

    public DbSet<PendingDeletion> PendingDeletions => Set<PendingDeletion>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseUtcDateTimes();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<UserSession>(session =>
        {
            session.ToTable("users_sessions");
            session.Property(entity => entity.UserId).HasMaxLength(450);
            session.HasIndex(entity => entity.UserId);
        });
        builder.Entity<PendingDeletion>(deletion =>
        {
            deletion.ToTable("users_pending_deletions");
            deletion.HasKey(entity => entity.UserId);
            deletion.Property(entity => entity.UserId).HasMaxLength(450);
        });
    }
}

internal sealed class UsersSqliteDbContext(DbContextOptions<UsersSqliteDbContext> options) : UsersDbContext(options);

internal sealed class UsersMySqlDbContext(DbContextOptions<UsersMySqlDbContext> options) : UsersDbContext(options);

internal sealed class UsersSqliteDesignFactory() : DesignTimeContextFactory<UsersSqliteDbContext>(DatabaseProvider.Sqlite);

internal sealed class UsersMySqlDesignFactory() : DesignTimeContextFactory<UsersMySqlDbContext>(DatabaseProvider.MySql);
