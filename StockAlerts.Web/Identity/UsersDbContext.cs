using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Shared.Data;

namespace StockAlerts.Web.Identity;

/// <summary>ASP.NET Core Identity's tables: users, roles, logins and tokens.</summary>
internal abstract class UsersDbContext(DbContextOptions options) : IdentityDbContext<IdentityUser>(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseUtcDateTimes();
}

internal sealed class UsersSqliteDbContext(DbContextOptions<UsersSqliteDbContext> options) : UsersDbContext(options);

internal sealed class UsersMySqlDbContext(DbContextOptions<UsersMySqlDbContext> options) : UsersDbContext(options);

internal sealed class UsersSqliteDesignFactory() : DesignTimeContextFactory<UsersSqliteDbContext>(DatabaseProvider.Sqlite);

internal sealed class UsersMySqlDesignFactory() : DesignTimeContextFactory<UsersMySqlDbContext>(DatabaseProvider.MySql);
