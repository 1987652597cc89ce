using System.Security.Claims;

namespace StockAlerts.Modules.Shared.Users;

public static class CurrentUser
{
    public const string AdminRole = "admin";

    /// <summary>The authorization policy that admits admins only.</summary>
    public const string AdminPolicy = "admin";

    /// <summary>The signed-in user's id; endpoints behind authorization always have one.</summary>
    public static string GetUserId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(ClaimTypes.NameIdentifier)
        ?? throw new InvalidOperationException("The endpoint requires an authenticated user.");
}
