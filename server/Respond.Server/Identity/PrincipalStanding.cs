using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Validation;
using Respond.Server.Persistence;

namespace Respond.Server.Identity;

/// <summary>
/// Whether an access token accepted earlier still stands: it is still valid (not revoked, not expired; OpenIddict checks
/// its token entry) and its principal still exists as a client or an enabled user. Long-lived connections (WebSockets) ask again
/// while they stay open, since the token was only checked when they started.
/// </summary>
public sealed class PrincipalStanding(OpenIddictValidationService tokens, IServiceScopeFactory scopes)
{
    /// <summary>Null when the token still stands, else why not (for the close reason; no secrets).</summary>
    public async Task<string?> RefusalAsync(string accessToken, ClaimsPrincipal accepted, CancellationToken ct)
    {
        try
        {
            await tokens.ValidateAccessTokenAsync(accessToken, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return "Forbidden: the access token was revoked or has expired";
        }
        var subject = accepted.GetClaim(OpenIddictConstants.Claims.Subject);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        if (await db.ServiceClients.AnyAsync(c => c.ClientId == subject, ct)) return null;
        var user = await db.Users.Where(u => u.Id == subject).Select(u => new { u.DisabledAt }).SingleOrDefaultAsync(ct);
        return user is null ? "Forbidden: the principal of this token no longer exists"
            : user.DisabledAt is not null ? "Forbidden: the user was disabled"
            : null;
    }
}
