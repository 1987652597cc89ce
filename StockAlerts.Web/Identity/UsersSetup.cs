using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using StockAlerts.Modules.Shared.Data;
using StockAlerts.Modules.Shared.Options;
using StockAlerts.Modules.Shared.Users;
using StockAlerts.Modules.Shared.Validation;

namespace StockAlerts.Web.Identity;

internal static class UsersSetup
{
    public static IServiceCollection AddUsers(this IServiceCollection services)
    {
        services.AddModuleDbContext<UsersDbContext, UsersSqliteDbContext, UsersMySqlDbContext>("identity");
        services.AddValidatedOptions<AdminOptions, AdminOptionsValidator>(AdminOptions.Section);

        services.AddIdentityApiEndpoints<IdentityUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<UsersDbContext>();

        services.Configure<BearerTokenOptions>(IdentityConstants.BearerScheme, options =>
        {
            options.BearerTokenExpiration = TimeSpan.FromHours(1);
            options.RefreshTokenExpiration = TimeSpan.FromDays(30);
            // The hubs' ?access_token= arrives as an Authorization header: see HubAccessTokenContextFactory.
        });
        services.ConfigureApplicationCookie(options =>
        {
            options.Cookie.Name = "stockalerts.admin";
            options.LoginPath = SignInPage.Path;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.Events.OnRedirectToLogin = context => WriteStatus(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => WriteStatus(context, StatusCodes.Status403Forbidden);
        });
        services.AddTransient<IClaimsTransformation, AdminClaimsTransformation>();
        services.AddAuthorizationBuilder().AddPolicy(CurrentUser.AdminPolicy, policy => policy.RequireRole(CurrentUser.AdminRole));
        return services;
    }

    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/auth")
            .WithTags("Auth")
            .RequireRateLimiting(Infrastructure.RateLimitingSetup.AuthPolicy)
            .AddEndpointFilter<ValidationFilter>()
            .MapIdentityApi<IdentityUser>();
        endpoints.MapSignInPage();
        return endpoints;
    }

    public static async Task<string> MakeAdminAsync(IServiceProvider services, string email)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No user with email '{email}'. Register first, then run this again.");
        if (!await roles.RoleExistsAsync(CurrentUser.AdminRole))
        {
            EnsureSucceeded(await roles.CreateAsync(new IdentityRole(CurrentUser.AdminRole)));
        }
        if (await users.IsInRoleAsync(user, CurrentUser.AdminRole))
        {
            return $"{email} is already an admin.";
        }
        EnsureSucceeded(await users.AddToRoleAsync(user, CurrentUser.AdminRole));
        return $"{email} is now an admin (takes effect at the next sign-in).";
    }

    private static void EnsureSucceeded(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(error => error.Description)));
        }
    }

    private static Task WriteStatus(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
