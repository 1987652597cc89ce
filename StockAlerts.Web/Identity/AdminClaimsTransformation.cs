using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using StockAlerts.Modules.Shared.Users;

namespace StockAlerts.Web.Identity;

/// <summary>Grants the admin role to the emails listed in configuration, on top of roles stored in the database.</summary>
internal sealed class AdminClaimsTransformation(IOptionsMonitor<AdminOptions> options) : IClaimsTransformation
{
    public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
    {
        var email = principal.FindFirstValue(ClaimTypes.Email);
        if (email is null || principal.IsInRole(CurrentUser.AdminRole)
            || !options.CurrentValue.Emails.Contains(email, StringComparer.OrdinalIgnoreCase))
        {
            return Task.FromResult(principal);
        }

        var admin = new ClaimsIdentity([new Claim(ClaimTypes.Role, CurrentUser.AdminRole)], "configuration");
        var transformed = new ClaimsPrincipal(principal.Identities);
        transformed.AddIdentity(admin);
        return Task.FromResult(transformed);
    }
}
