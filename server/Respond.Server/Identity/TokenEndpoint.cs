using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Respond.Server.Persistence;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Respond.Server.Identity;

/// <summary>
/// `/connect/token`: OpenIddict validates the request, this decides who the caller is and puts their
/// roles and organizations into the token.
/// </summary>
internal static class TokenEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, RespondDbContext db, PasswordSignIn passwords, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(TokenEndpoint));
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var ct = http.RequestAborted;

        if (request.IsClientCredentialsGrantType())
        {
            var client = await db.ServiceClients.AsNoTracking().SingleOrDefaultAsync(c => c.ClientId == request.ClientId, ct);
            if (client is null || client.RevokedAt is not null) return Refuse(logger, request.ClientId ?? "?", Errors.InvalidClient, "The client has no Respond roles.");
            return SignIn(client.ClientId, client.ClientId, client.Roles, client.Organizations, request.GetScopes());
        }

        if (request.IsPasswordGrantType())
        {
            var result = await passwords.CheckAsync(request.Username, request.Password, SourceAddress.Of(http), PasswordSignIn.PasswordGrant, ct);
            if (result.User is not { } user) return Refuse(logger, $"{PasswordSignIn.PasswordGrant} ({result.Status})", Errors.InvalidGrant, result.Message);
            return SignIn(user.Id, user.UserName, user.Roles, user.Organizations, request.GetScopes());
        }

        if (request.IsRefreshTokenGrantType() || request.IsAuthorizationCodeGrantType())
        {
            var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var subject = result.Principal?.GetClaim(Claims.Subject);
            // Roles and organizations are read again so a change or removal takes effect at the next refresh.
            var user = subject is null ? null : await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == subject, ct);
            if (user is null) return Refuse(logger, subject ?? "?", Errors.InvalidGrant, "The user no longer exists.");
            if (user.DisabledAt is not null) return Refuse(logger, subject!, Errors.InvalidGrant, "The user is disabled.");
            return SignIn(user.Id, user.UserName, user.Roles, user.Organizations, result.Principal!.GetScopes());
        }

        return Refuse(logger, request.ClientId ?? "?", Errors.UnsupportedGrantType, "This grant type is not supported.");
    }

    internal static ClaimsIdentity IdentityFor(string subject, string name, IEnumerable<string> roles, IEnumerable<string> organizations)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, subject).SetClaim(Claims.Name, name);
        identity.SetClaims(Claims.Role, [.. roles]);
        identity.SetClaims(RespondPrincipal.OrganizationClaim, [.. organizations]);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return identity;
    }

    private static IResult SignIn(string subject, string name, IEnumerable<string> roles, IEnumerable<string> organizations, IEnumerable<string> scopes)
    {
        var identity = IdentityFor(subject, name, roles, organizations);
        identity.SetScopes(scopes);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult Refuse(ILogger logger, string subject, string error, string description)
    {
        IdentityLog.TokenRefused(logger, subject, error);
        var properties = new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        });
        return Results.Forbid(properties, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }
}
