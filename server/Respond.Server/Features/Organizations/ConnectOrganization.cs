using System.Text.Json;
using System.Text.Json.Nodes;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Connectors;
using Respond.Server.Connectors.Outbound;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Organizations;

public sealed record ConnectOrganizationInput(string OrganizationId, ConnectorKind Connector, JsonElement? Settings);

public sealed class ConnectOrganizationInputType : InputObjectGraphType<ConnectOrganizationInput>
{
    public ConnectOrganizationInputType()
    {
        Name = "ConnectOrganizationInput";
        Field<NonNullGraphType<IdGraphType>>("organizationId");
        Field<NonNullGraphType<EnumerationGraphType<ConnectorKind>>>("connector");
        Field<JsonGraphType>("settings").Description("A JSON object. Secret keys (e.g. clientSecret, apiKey, signingSecret) are stored protected and never returned; omit one to keep the stored value.");
    }
}

/// <summary>Seed 000 "Manage Connections": choose a connector, enter settings. The status stays as it was until testConnection checks it.</summary>
internal sealed class ConnectOrganization(RespondDbContext db, IEnumerable<IConnector> connectors, ConnectionSettingsReader reader,
    OutboundAddressGuard outbound, SimulatedConnectorPolicy simulated, AuditTrail audit, TimeProvider time)
{

    public async Task<OrganizationPayload> ExecuteAsync(ConnectOrganizationInput input, RespondPrincipal by, CancellationToken ct)
    {
        var organization = await db.Organizations.Include(o => o.Connections).SingleOrDefaultAsync(o => o.Id == input.OrganizationId, ct);
        if (organization is null || !by.CanSee(organization.Id))
            return OrganizationPayload.Fail(UserError.NotFound("organization", "organizationId"));
        if (input.Connector == ConnectorKind.Simulated && !simulated.Allowed)
        {
            audit.Record(by, "organization.connectRefused", "Organization", organization.Id, [organization.Id], null,
                new { Connector = input.Connector.ToString(), Code = UserErrorCode.SimulatedConnectorDisabled.ToSchemaName() });
            await db.SaveChangesAsync(ct);
            return OrganizationPayload.Fail(new UserError(UserErrorCode.SimulatedConnectorDisabled, SimulatedConnectorPolicy.Refusal, ["input", "connector"]));
        }
        var connector = connectors.Single(c => c.Kind == input.Connector);
        var settings = input.Settings ?? JsonSerializer.SerializeToElement(new { });
        if (settings.ValueKind != JsonValueKind.Object)
            return OrganizationPayload.Fail(new UserError(UserErrorCode.Validation, "settings must be a JSON object.", "settings"));

        var plain = JsonNode.Parse(settings.GetRawText())!.AsObject();
        var secrets = new Dictionary<string, string>();
        foreach (var key in connector.SecretSettings.Where(plain.ContainsKey).ToList())
        {
            if (plain[key]?.GetValueKind() != JsonValueKind.String)
                return OrganizationPayload.Fail(new UserError(UserErrorCode.Validation, $"Secret '{key}' must be a string.", "settings"));
            secrets[key] = plain[key]!.GetValue<string>();
            plain.Remove(key);
        }
        var missing = connector.RequiredSettings.Where(k => plain[k]?.GetValueKind() != JsonValueKind.String).ToList();
        if (missing.Count > 0)
            return OrganizationPayload.Fail(new UserError(UserErrorCode.Validation, $"{input.Connector} needs the setting(s): {string.Join(", ", missing)}.", "settings"));
        // A tenant admin chooses these URLs: refuse loopback, private and metadata targets now, with the field named
        // (the outbound guard refuses them again at every connection, whatever DNS says by then).
        if (await outbound.RefusedSettingAsync(connector, new ConnectorSettings(organization.Id, JsonSerializer.SerializeToElement(plain), secrets), ct)
            is { } refused)
            return OrganizationPayload.Fail(new UserError(UserErrorCode.OutboundAddressRefused, $"settings.{refused.Setting}: {refused.Reason}",
                ["input", "settings", refused.Setting]));

        var connection = organization.Connections.SingleOrDefault(c => c.Connector == input.Connector);
        var now = time.GetUtcNow();
        if (connection is null)
        {
            connection = new OrganizationConnection { OrganizationId = organization.Id, Connector = input.Connector, SettingsJson = "{}" };
            organization.Connections.Add(connection);
        }
        else if (connection.ProtectedSecrets is not null)
        {
            // A secret left out keeps its stored value: the form never shows it, so it cannot send it back.
            foreach (var (k, v) in reader.Secrets(connection)) secrets.TryAdd(k, v);
        }
        connection.SettingsJson = plain.ToJsonString();
        connection.ProtectedSecrets = reader.Protect(secrets);
        connection.SecretNames = secrets.Keys.Order(StringComparer.Ordinal).ToList();
        connection.ConnectedAt = now;
        connection.ConnectedBy = by.Id;
        connection.RecordCheck(ConnectionStatus.NotConnected, null, now);
        audit.Record(by, "organization.connected", "Organization", organization.Id, [organization.Id], null,
            new { Connector = input.Connector.ToString(), Settings = plain, Secrets = connection.SecretNames });
        await db.SaveChangesAsync(ct);
        return OrganizationPayload.Ok(organization);
    }
}
