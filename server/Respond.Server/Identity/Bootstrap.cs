using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using Respond.Server.Features.Audit;
using Respond.Server.Features.Organizations;
using Respond.Server.Features.Settings;
using Respond.Server.Persistence;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Respond.Server.Identity;

/// <summary>
/// Makes the database match the bootstrap section of configuration: organizations created if missing,
/// clients and users created or updated. On an empty database with no users configured it creates
/// `admin` with a random password and prints it once, so a fresh install can sign in.
/// </summary>
internal sealed class Bootstrap(
    RespondDbContext db,
    IOpenIddictApplicationManager applications,
    IPasswordHasher<UserAccount> hasher,
    IOptions<BootstrapOptions> options,
    AuditTrail audit,
    TimeProvider time,
    FirstUserConsole console,
    ILogger<Bootstrap> logger)
{
    /// <summary>The public client a person uses to get a token with a user name and password (curl, scripts).</summary>
    public const string CliClientId = "respond-cli";

    public async Task RunAsync(CancellationToken ct)
    {
        var config = options.Value;
        var now = time.GetUtcNow();
        if (!await db.Settings.AnyAsync(ct))
            db.Settings.Add(new RespondSettings { UpdatedAt = now });

        foreach (var o in config.Organizations)
        {
            if (await db.Organizations.AnyAsync(x => x.Id == o.Id, ct)) continue;
            db.Organizations.Add(new Organization { Id = o.Id, Name = o.Name, CreatedAt = now });
            audit.Record(RespondPrincipal.System, "organization.created", "Organization", o.Id, [o.Id], null, new { o.Name });
        }

        foreach (var c in config.Clients)
            await UpsertClientAsync(c, ct);

        foreach (var u in config.Users)
            await UpsertUserAsync(u.UserName, u.Password, Known("user", u.UserName, u.Roles), u.Organizations, now, ct);

        await EnsureCliClientAsync(ct);
        await EnsureDesignerClientAsync(ct);
        await UnknownClientStandIn.EnsureAsync(applications, ct);
        await db.SaveChangesAsync(ct);

        if (config.Users.Count == 0 && !await db.Users.AnyAsync(ct))
        {
            var password = RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 20);
            await UpsertUserAsync("admin", password, [Roles.Admin], [RespondPrincipal.AllOrganizations], now, ct);
            await db.SaveChangesAsync(ct);
            IdentityLog.InitialAdminCreated(logger, "admin");
            await console.Out.WriteLineAsync($"""

                ==============================================================
                 Respond created its first user. This is shown only once.
                   user name: admin
                   password:  {password}
                 Get a token (POST /connect/token on this server):
                   curl -d grant_type=password -d client_id={CliClientId} \
                        -d username=admin -d password=<the password above> \
                        http://localhost:5170/connect/token
                ==============================================================

                """);
        }
        IdentityLog.Bootstrapped(logger, config.Organizations.Count, config.Clients.Count, config.Users.Count);
    }

    private async Task UpsertClientAsync(BootstrapClient c, CancellationToken ct)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = c.ClientId,
            ClientSecret = c.ClientSecret,
            ClientType = ClientTypes.Confidential,
            DisplayName = c.ClientId,
            // Introspection only for confidential clients: they authenticate, so it cannot be used to probe tokens anonymously.
            Permissions = { Permissions.Endpoints.Token, Permissions.Endpoints.Introspection, Permissions.Endpoints.Revocation, Permissions.GrantTypes.ClientCredentials },
        };
        var existing = await applications.FindByClientIdAsync(c.ClientId, ct);
        if (existing is null) await applications.CreateAsync(descriptor, ct);
        else await applications.UpdateAsync(existing, descriptor, ct);

        var client = await db.ServiceClients.SingleOrDefaultAsync(x => x.ClientId == c.ClientId, ct);
        if (client is null) db.ServiceClients.Add(client = new ServiceClient { ClientId = c.ClientId });
        client.Roles = Known("client", c.ClientId, c.Roles);
        client.Organizations = c.Organizations.ToList();
        // Configuration is the source of a bootstrap client: listed there, it is live again even if revoked through the API.
        client.RevokedAt = null;
    }

    private async Task UpsertUserAsync(string userName, string password, List<string> roles, List<string> organizations, DateTimeOffset now, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(x => x.UserName == userName, ct);
        if (user is null)
        {
            user = new UserAccount { Id = "user-" + Guid.NewGuid().ToString("N")[..12], UserName = userName, PasswordHash = "", CreatedAt = now };
            db.Users.Add(user);
        }
        user.PasswordHash = hasher.HashPassword(user, password);
        user.Roles = roles;
        user.Organizations = organizations.ToList();
    }

    private async Task EnsureCliClientAsync(CancellationToken ct)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = CliClientId,
            ClientType = ClientTypes.Public,
            DisplayName = "Respond command line",
            Permissions = { Permissions.Endpoints.Token, Permissions.Endpoints.Revocation, Permissions.GrantTypes.Password, Permissions.GrantTypes.RefreshToken },
        };
        var existing = await applications.FindByClientIdAsync(CliClientId, ct);
        if (existing is null) await applications.CreateAsync(descriptor, ct);
        else await applications.UpdateAsync(existing, descriptor, ct);
    }

    /// <summary>The designer: a public client using the authorization code flow with PKCE; its redirect URI is checked by <see cref="ConfiguredRedirectUri"/>.</summary>
    private async Task EnsureDesignerClientAsync(CancellationToken ct)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = AuthorizationEndpoint.DesignerClientId,
            ClientType = ClientTypes.Public,
            DisplayName = "Respond designer",
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        var existing = await applications.FindByClientIdAsync(AuthorizationEndpoint.DesignerClientId, ct);
        if (existing is null) await applications.CreateAsync(descriptor, ct);
        else await applications.UpdateAsync(existing, descriptor, ct);
    }

    private List<string> Known(string kind, string name, IEnumerable<string> roles)
    {
        var known = new List<string>();
        foreach (var role in roles)
        {
            if (Roles.All.Contains(role)) known.Add(role);
            else IdentityLog.UnknownRole(logger, kind, name, role);
        }
        return known;
    }
}

/// <summary>Where the first user's one-time password is shown: the console of whoever started Respond.</summary>
internal sealed class FirstUserConsole(TextWriter output)
{
    public TextWriter Out { get; } = output;
}
