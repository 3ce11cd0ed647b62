using System.Text.Json;
using GraphQL.Types;
using Respond.Server.GraphQL;

namespace Respond.Server.Features.Organizations;

public sealed class OrganizationType : ObjectGraphType<Organization>
{
    public OrganizationType()
    {
        Name = "Organization";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field(o => o.Name);
        Field(o => o.CreatedAt);
        Field<NonNullGraphType<EnumerationGraphType<ConnectionStatus>>>("connectionStatus")
            .Description("The best status among its connections; NOT_CONNECTED when it has none. Actions need HEALTHY.")
            .Resolve(c => c.Source.ConnectionStatus);
        Field<NonNullGraphType<BooleanGraphType>>("connectionSimulated")
            .Description("connectionStatus comes from the SIMULATED connector: its health says nothing about a real system and its actions act on nothing. Show it beside the status.")
            .Resolve(c => c.Source.ConnectionSimulated);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ConnectionType>>>>("connections").Resolve(c => c.Source.Connections);
        Settings.SettingsFeature.OrganizationField(this);
    }
}

public sealed class ConnectionType : ObjectGraphType<OrganizationConnection>
{
    public ConnectionType()
    {
        Name = "RespondConnection";
        Field<NonNullGraphType<EnumerationGraphType<ConnectorKind>>>("connector").Resolve(c => c.Source.Connector);
        Field<NonNullGraphType<EnumerationGraphType<ConnectionStatus>>>("status").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<BooleanGraphType>>("simulated")
            .Description("The SIMULATED connector (demo mode, Development, or Respond:Connectors:AllowSimulated): it acts on nothing and reports actions done.")
            .Resolve(c => c.Source.Simulated);
        Field(c => c.LastCheckedAt, nullable: true);
        Field(c => c.LastError, nullable: true);
        Field(c => c.ConnectedAt);
        Field<NonNullGraphType<JsonGraphType>>("settings").Description("Non-secret settings. Secrets are write-only.")
            .Resolve(c => JsonDocument.Parse(c.Source.SettingsJson).RootElement.Clone());
        Field(c => c.SecretNames).Description("Which secrets are set; their values are never returned.");
    }
}

public sealed record OrganizationPayload(Organization? Organization, IReadOnlyList<UserError> Errors)
{
    public static OrganizationPayload Ok(Organization o) => new(o, []);
    public static OrganizationPayload Fail(params UserError[] errors) => new(null, errors);
}

public sealed class OrganizationPayloadType : ObjectGraphType<OrganizationPayload>
{
    public OrganizationPayloadType()
    {
        Name = "OrganizationPayload";
        Field<OrganizationType>("organization").Resolve(c => c.Source.Organization);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}
