using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using StockAlerts.Modules.Shared.Users;
using StockAlerts.Modules.Shared.Validation;

namespace StockAlerts.Web.Identity;

internal sealed record RegisterRequest([property: Required] string? Email, [property: Required] string? Password);

internal sealed record LoginRequest([property: Required] string? Email, [property: Required] string? Password);

internal sealed record RefreshRequest([property: Required] string? RefreshToken);

internal sealed class RegisterRequestValidator : AbstractValidator<RegisterRequest>
{
    public RegisterRequestValidator()
    {
        RuleFor(request => request.Email).NotEmpty().MaximumLength(256).EmailAddress().WithMessage("email must be an email address.");
        RuleFor(request => request.Password).NotEmpty().MaximumLength(256);
    }
}

internal sealed class LoginRequestValidator : AbstractValidator<LoginRequest>
{
    public LoginRequestValidator()
    {
        RuleFor(request => request.Email).NotEmpty().MaximumLength(256);
        RuleFor(request => request.Password).NotEmpty().MaximumLength(256);
    }
}

internal sealed class RefreshRequestValidator : AbstractValidator<RefreshRequest>
{
    public RefreshRequestValidator() => RuleFor(request => request.RefreshToken).NotEmpty().MaximumLength(8192);
}

/// <summary>
/// Register, sign in, refresh and sign out with bearer tokens. Each sign-in is a session: a refresh token works once
/// (the answer carries the next one), and signing out ends the session's tokens. StockAlerts sends no email, so the
/// email flows of ASP.NET Core Identity (confirmation, forgotten password, two-factor by email) are not offered.
/// </summary>
internal static class AuthEndpoints
{
    private const string WrongCredentials = "Wrong email or password.";

    public static void MapAuth(this IEndpointRouteBuilder endpoints)
    {
        var auth = endpoints.MapGroup("/api/auth").WithTags("Auth")
            .RequireRateLimiting(Infrastructure.RateLimitingSetup.AuthPolicy)
            .AddEndpointFilter<ValidationFilter>();
        auth.MapPost("/register", RegisterAsync).AllowAnonymous().WithName("Register")
            .WithSummary("Creates an account; then sign in with POST /api/auth/login");
        auth.MapPost("/login", LoginAsync).AllowAnonymous().WithName("Login")
            .WithSummary("Signs in: an access token (send it as a bearer token) and a refresh token for this device")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapPost("/refresh", RefreshAsync).AllowAnonymous().WithName("Refresh")
            .WithSummary("Exchanges the refresh token for new tokens; each refresh token works once")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        auth.MapPost("/logout", LogoutAsync).RequireAuthorization().WithName("Logout")
            .WithSummary("Signs this device out: its access and refresh tokens stop working");
    }

    private static async Task<Results<Created<AccountView>, ValidationProblem>> RegisterAsync(
        RegisterRequest request, UserManager<IdentityUser> users, CancellationToken cancellationToken)
    {
        var user = new IdentityUser { UserName = request.Email!.Trim(), Email = request.Email.Trim() };
        var created = await users.CreateAsync(user, request.Password!);
        if (!created.Succeeded)
        {
            return TypedResults.ValidationProblem(created.Errors
                .GroupBy(error => error.Code.StartsWith("Password", StringComparison.Ordinal) ? "password" : "email")
                .ToDictionary(group => group.Key, group => group.Select(Describe).Distinct().ToArray()));
        }
        return TypedResults.Created("/api/account", new AccountView(user.Id, user.Email!, IsAdmin: false));
    }

    private static async Task<Results<Ok<AccessTokenResponse>, ProblemHttpResult>> LoginAsync(
        LoginRequest request, HttpContext context, PasswordSignIn passwords, UsersDbContext database,
        Sessions sessions, TokenIssuer tokens, CancellationToken cancellationToken)
    {
        var (user, retryAfter) = await passwords.CheckAsync(request.Email!, request.Password!, AddressOf(context));
        if (retryAfter is { } wait)
        {
            return TooManyWrongPasswords(context, wait);
        }
        if (user is null || await database.PendingDeletions.AnyAsync(pending => pending.UserId == user.Id, cancellationToken))
        {
            return TypedResults.Problem(WrongCredentials, statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in");
        }
        var session = await sessions.StartAsync(user.Id, cancellationToken);
        return TypedResults.Ok(await tokens.IssueAsync(user, session.Id, session.Refreshes));
    }

    private static async Task<Results<Ok<AccessTokenResponse>, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request, UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn, UsersDbContext database,
        Sessions sessions, TokenIssuer tokens, CancellationToken cancellationToken)
    {
        var refused = TypedResults.Problem("The refresh token is not valid any more: sign in again.", statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in");
        if (tokens.ReadRefreshToken(request.RefreshToken!) is not { } principal
            || Sessions.SessionOf(principal) is not { } sessionId
            || await signIn.ValidateSecurityStampAsync(principal) is not { } user
            || await database.PendingDeletions.AnyAsync(pending => pending.UserId == user.Id, cancellationToken))
        {
            return refused;
        }
        var refreshes = Sessions.RefreshesOf(principal);
        if (!await sessions.TryAdvanceAsync(sessionId, user.Id, refreshes, cancellationToken))
        {
            return refused;
        }
        return TypedResults.Ok(await tokens.IssueAsync(user, sessionId, refreshes + 1));
    }

    private static async Task<NoContent> LogoutAsync(ClaimsPrincipal principal, Sessions sessions, CancellationToken cancellationToken)
    {
        if (Sessions.SessionOf(principal) is { } sessionId)
        {
            await sessions.EndAsync(sessionId, cancellationToken);
        }
        return TypedResults.NoContent();
    }

    public static string AddressOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    public static ProblemHttpResult TooManyWrongPasswords(HttpContext context, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem($"Too many wrong passwords for this account from here: try again in {seconds} s.",
            statusCode: StatusCodes.Status429TooManyRequests, title: "Too many attempts");
    }

    public static string Describe(IdentityError error) => error.Code switch
    {
        "DuplicateUserName" or "DuplicateEmail" => "This email is already registered: sign in instead.",
        "InvalidUserName" or "InvalidEmail" => "email must be an email address.",
        _ => error.Description,
    };
}

/// <summary>The signed-in user's account.</summary>
internal sealed record AccountView(string Id, string Email, bool IsAdmin);
