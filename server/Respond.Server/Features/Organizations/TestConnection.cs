using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Connectors;
using Respond.Server.Connectors.Outbound;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Organizations;

public sealed record TestConnectionInput(string OrganizationId, ConnectorKind? Connector);

public sealed class TestConnectionInputType : InputObjectGraphType<TestConnectionInput>
{
    public TestConnectionInputType()
    {
        Name = "TestConnectionInput";
        Field<NonNullGraphType<IdGraphType>>("organizationId");
        Field<EnumerationGraphType<ConnectorKind>>("connector").Description("Which connection to test; all of them when absent.");
    }
}

/// <summary>Checks connections through their connectors and records status, time and error (seed 000 "Managing Respond connections").</summary>
internal sealed class TestConnection(RespondDbContext db, IEnumerable<IConnector> connectors, ConnectionSettingsReader reader,
    OutboundAddressGuard outbound, AuditTrail audit, TimeProvider time)
{
    public async Task<OrganizationPayload> ExecuteAsync(TestConnectionInput input, RespondPrincipal by, CancellationToken ct)
    {
        var organization = await db.Organizations.Include(o => o.Connections).SingleOrDefaultAsync(o => o.Id == input.OrganizationId, ct);
        if (organization is null || !by.CanSee(organization.Id))
            return OrganizationPayload.Fail(UserError.NotFound("organization", "organizationId"));
        var targets = organization.Connections.Where(c => input.Connector is null || c.Connector == input.Connector).ToList();
        if (targets.Count == 0)
            return OrganizationPayload.Fail(new UserError(UserErrorCode.NotConnected, "Connect the organization first (connectOrganization).", "organizationId"));

        foreach (var connection in targets)
        {
            var settings = reader.Read(connection);
            var connector = connectors.Single(c => c.Kind == connection.Connector);
            // A refused target is never called, so the answer says nothing about whether something listens there.
            var check = await outbound.RefusedSettingAsync(connector, settings, ct) is { } refused
                ? new ConnectionCheck(ConnectionStatus.NeedsAttention, $"settings.{refused.Setting}: {refused.Reason}")
                : await connector.CheckAsync(settings, ct);
            connection.RecordCheck(check.Status, check.Error, time.GetUtcNow());
            audit.Record(by, "connection.tested", "Organization", organization.Id, [organization.Id], null,
                new { Connector = connection.Connector.ToString(), Status = check.Status.ToString(), check.Error });
        }
        await db.SaveChangesAsync(ct);
        return OrganizationPayload.Ok(organization);
    }
}
