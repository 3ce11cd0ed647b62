namespace Respond.Server.Identity;

/// <summary>A person who signs in to the designer. The password is stored as an ASP.NET Core Identity hash.</summary>
public sealed class UserAccount
{
    public required string Id { get; init; }
    public required string UserName { get; set; }
    public required string PasswordHash { get; set; }
    public List<string> Roles { get; set; } = [];
    public List<string> Organizations { get; set; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Set while the user may not sign in: no password check passes and no refresh token is honoured.</summary>
    public DateTimeOffset? DisabledAt { get; set; }

    public bool IsDisabled => DisabledAt is not null;
}

/// <summary>An OAuth client (a partner or a sensor): its roles and organizations, beside OpenIddict's application record.</summary>
public sealed class ServiceClient
{
    public required string ClientId { get; init; }
    public List<string> Roles { get; set; } = [];
    public List<string> Organizations { get; set; } = [];
    /// <summary>Set when an administrator revoked it: its OpenIddict application and tokens are gone, the record stays for the audit trail.</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>An RSA key OpenIddict signs or encrypts tokens with, kept in the database so tokens outlive a restart and every node shares them.</summary>
public sealed class TokenKey
{
    public required string Purpose { get; init; }
    public required string PrivateKeyPem { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
