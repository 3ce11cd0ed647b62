using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Respond.Server.Features.Organizations;

namespace Respond.Server.Connectors;

/// <summary>Turns a stored connection into the settings its connector works with; the only place secrets are unprotected.</summary>
public sealed class ConnectionSettingsReader(IDataProtectionProvider protection)
{
    public const string SecretsPurpose = "Respond.ConnectionSecrets";

    public ConnectorSettings Read(OrganizationConnection connection) =>
        new(connection.OrganizationId, JsonDocument.Parse(connection.SettingsJson).RootElement.Clone(), Secrets(connection));

    public Dictionary<string, string> Secrets(OrganizationConnection connection) =>
        connection.ProtectedSecrets is { } p
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(protection.CreateProtector(SecretsPurpose).Unprotect(p)) ?? []
            : [];

    public string? Protect(IReadOnlyDictionary<string, string> secrets) =>
        secrets.Count == 0 ? null : protection.CreateProtector(SecretsPurpose).Protect(JsonSerializer.Serialize(secrets));
}
