using System.ComponentModel.DataAnnotations;

namespace Respond.Server.Identity;

/// <summary>API.md "Configuration and bootstrap": what exists after start-up, created or updated from configuration.</summary>
public sealed class BootstrapOptions
{
    public const string Section = "Respond:Bootstrap";

    public List<BootstrapOrganization> Organizations { get; set; } = [];
    public List<BootstrapClient> Clients { get; set; } = [];
    public List<BootstrapUser> Users { get; set; } = [];
}

public sealed class BootstrapOrganization
{
    [Required, RegularExpression(IdPattern.Value)] public string Id { get; set; } = "";
    [Required] public string Name { get; set; } = "";
}

public sealed class BootstrapClient
{
    [Required] public string ClientId { get; set; } = "";
    [Required, MinLength(16)] public string ClientSecret { get; set; } = "";
    public List<string> Roles { get; set; } = [];
    public List<string> Organizations { get; set; } = [];
}

public sealed class BootstrapUser
{
    [Required] public string UserName { get; set; } = "";
    [Required, MinLength(8)] public string Password { get; set; } = "";
    public List<string> Roles { get; set; } = [];
    public List<string> Organizations { get; set; } = [];
}

/// <summary>Ids that a person may choose (organizations): short, URL- and log-safe.</summary>
public static class IdPattern
{
    public const string Value = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$";
}
