using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace StockAlerts.Web.Identity;

/// <summary>Access and refresh tokens for a session, in the shape ASP.NET Core's bearer tokens read back.</summary>
internal sealed class TokenIssuer(IOptionsMonitor<BearerTokenOptions> bearerOptions, SignInManager<IdentityUser> signIn, TimeProvider time)
{
    public async Task<AccessTokenResponse> IssueAsync(IdentityUser user, Guid sessionId, int refreshes)
    {
        var principal = await signIn.CreateUserPrincipalAsync(user);
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.AddClaim(new Claim(Sessions.SessionClaim, sessionId.ToString()));
        identity.AddClaim(new Claim(Sessions.RefreshClaim, refreshes.ToString(CultureInfo.InvariantCulture)));
        var options = bearerOptions.Get(IdentityConstants.BearerScheme);
        var now = time.GetUtcNow();
        return new AccessTokenResponse
        {
            AccessToken = options.BearerTokenProtector.Protect(Ticket(principal, now + options.BearerTokenExpiration)),
            ExpiresIn = (long)options.BearerTokenExpiration.TotalSeconds,
            RefreshToken = options.RefreshTokenProtector.Protect(Ticket(principal, now + options.RefreshTokenExpiration)),
        };
    }

    /// <summary>The principal of a refresh token that is genuine and not expired, else null.</summary>
    public ClaimsPrincipal? ReadRefreshToken(string refreshToken)
    {
        var ticket = bearerOptions.Get(IdentityConstants.BearerScheme).RefreshTokenProtector.Unprotect(refreshToken);
        return ticket?.Properties.ExpiresUtc is { } expires && expires > time.GetUtcNow() ? ticket.Principal : null;
    }

    private static AuthenticationTicket Ticket(ClaimsPrincipal principal, DateTimeOffset expires) =>
        new(principal, new AuthenticationProperties { ExpiresUtc = expires }, IdentityConstants.BearerScheme);
}
