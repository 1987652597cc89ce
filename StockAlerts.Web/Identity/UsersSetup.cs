using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using StockAlerts.Modules.Shared.Data;
using StockAlerts.Modules.Shared.Jobs;
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
                // No account lockout (anyone could lock any known account): PasswordSignIn throttles per account and address.
                options.Lockout.AllowedForNewUsers = false;
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
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.HttpOnly = true;
            options.LoginPath = SignInPage.Path;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.Events.OnRedirectToLogin = context => WriteStatus(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => WriteStatus(context, StatusCodes.Status403Forbidden);
        });
        // The API and the hubs take bearer tokens only; the admin cookie opens the jobs dashboard and nothing else.
        services.Configure<AuthenticationOptions>(options =>
        {
            options.DefaultScheme = IdentityConstants.BearerScheme;
            options.DefaultAuthenticateScheme = IdentityConstants.BearerScheme;
            options.DefaultChallengeScheme = IdentityConstants.BearerScheme;
        });
        services.AddMemoryCache();
        services.AddScoped<Sessions>();
        services.AddScoped<PasswordSignIn>();
        services.AddSingleton<PasswordSignIn.LocalCounts>();
        services.AddScoped<TokenIssuer>();
        services.AddScoped<AccountDeletion>();
        services.AddSingleton(new RecurringJob(AccountDeletion.JobId, TimeSpan.FromMinutes(5),
            (scope, cancellationToken) => scope.GetRequiredService<AccountDeletion>().FinishPendingAsync(cancellationToken)));
        services.AddTransient<IClaimsTransformation, AdminClaimsTransformation>();
        services.AddAuthorizationBuilder().AddPolicy(CurrentUser.AdminPolicy, policy => policy.RequireRole(CurrentUser.AdminRole));
        return services;
    }

    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAuth();
        endpoints.MapAccount();
        endpoints.MapSignInPage();
        return endpoints;
    }

    /// <summary>An access token of a session that was signed out (or ended by a password change or deletion) stops working.</summary>
    public static void UseActiveSessions(this WebApplication app) =>
        app.Use(async (context, next) =>
        {
            if (context.User.Identity?.IsAuthenticated == true && !await Sessions.IsActiveAsync(context.RequestServices, context.User, context.RequestAborted))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = { Status = StatusCodes.Status401Unauthorized, Title = "Not signed in", Detail = "This session was signed out: sign in again." },
                });
                return;
            }
            await next(context);
        });

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

    /// <summary>For a user who forgot their password (StockAlerts sends no email): the operator hands them a new one.</summary>
    public static async Task<string> ResetPasswordAsync(IServiceProvider services, string email, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"No user with email '{email}'.");
        var password = $"{Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}-Aa1";
        EnsureSucceeded(await users.RemovePasswordAsync(user));
        EnsureSucceeded(await users.AddPasswordAsync(user, password));
        await users.UpdateSecurityStampAsync(user);
        await scope.ServiceProvider.GetRequiredService<Sessions>().EndAllAsync(user.Id, except: null, cancellationToken);
        return $"New password for {email}: {password} (every device of this user is signed out; they can change it with POST /api/account/password).";
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
