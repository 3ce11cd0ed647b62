using System.Security.Claims;
using OpenIddict.Abstractions;

namespace Respond.Server.Identity;

/// <summary>The roles of API.md. A principal holds any number of them.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string RuleAuthor = "RuleAuthor";
    public const string Responder = "Responder";
    public const string Approver = "Approver";
    public const string Viewer = "Viewer";
    public const string Ingestor = "Ingestor";

    public static readonly IReadOnlySet<string> All =
        new HashSet<string>([Admin, RuleAuthor, Responder, Approver, Viewer, Ingestor], StringComparer.Ordinal);
}

/// <summary>
/// Who is calling and what they may see: roles and organizations come from the access token,
/// which the token endpoint fills from the user or client record.
/// </summary>
public sealed record RespondPrincipal(string Id, string Name, IReadOnlySet<string> Roles, IReadOnlySet<string> Organizations)
{
    public const string OrganizationClaim = "respond_org";
    public const string AllOrganizations = "*";

    public bool SeesAllOrganizations => Organizations.Contains(AllOrganizations);

    public bool IsInRole(string role) => Roles.Contains(role);

    public bool IsInAnyRole(params string[] roles) => roles.Any(Roles.Contains);

    public bool CanSee(string organizationId) => SeesAllOrganizations || Organizations.Contains(organizationId);

    /// <summary>Reads only: everyone signed in may read, Ingestor alone is a write-only sensor identity.</summary>
    public bool CanRead => IsInAnyRole(Identity.Roles.Admin, Identity.Roles.RuleAuthor, Identity.Roles.Responder, Identity.Roles.Approver, Identity.Roles.Viewer);

    public static RespondPrincipal? From(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true) return null;
        var id = user.FindFirst(OpenIddictConstants.Claims.Subject)?.Value;
        if (string.IsNullOrEmpty(id)) return null;
        var name = user.FindFirst(OpenIddictConstants.Claims.Name)?.Value ?? id;
        var roles = user.FindAll(OpenIddictConstants.Claims.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var orgs = user.FindAll(OrganizationClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new RespondPrincipal(id, name, roles, orgs);
    }

    /// <summary>The identity the engine and start-up work act as in the audit trail.</summary>
    public static RespondPrincipal System { get; } = new("system", "Respond",
        new HashSet<string>([Identity.Roles.Admin]), new HashSet<string>([AllOrganizations]));
}
