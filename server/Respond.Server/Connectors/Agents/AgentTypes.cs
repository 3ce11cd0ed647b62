using GraphQL.Types;
using Respond.Server.GraphQL;

namespace Respond.Server.Connectors.Agents;

public sealed class AgentType : ObjectGraphType<Agent>
{
    public AgentType()
    {
        Name = "EndpointAgent";
        Description = "An agent enrolled for one device; ENDPOINT_AGENT actions on that device go through it.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<IdGraphType>>("organizationId").Resolve(c => c.Source.OrganizationId);
        Field(a => a.DeviceId).Description("The device id actions target (target.deviceId).");
        Field(a => a.Hostname);
        Field(a => a.Os);
        Field(a => a.EnrolledAt).Description("When the device last enrolled; enrolling again replaces its credential.");
        Field(a => a.LastSeenAt, nullable: true);
        Field(a => a.RevokedAt, nullable: true).Description("When an Admin revoked the agent; it cannot connect until the device enrols again.");
        Field(a => a.RevokedBy, nullable: true);
        Field(a => a.RevokedReason, nullable: true);
        Field<NonNullGraphType<BooleanGraphType>>("connected").Description("Holds its command channel to this server now.")
            .Resolve(c => c.Service<AgentRegistry>().IsConnected(c.Source.OrganizationId, c.Source.DeviceId, c.Source.Id));
    }
}

public sealed class AgentEnrollmentTokenType : ObjectGraphType<AgentEnrollmentToken>
{
    public AgentEnrollmentTokenType()
    {
        Name = "AgentEnrollmentToken";
        Description = "A one-use enrolment token; its value is never returned after creation.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<IdGraphType>>("organizationId").Resolve(c => c.Source.OrganizationId);
        Field(t => t.CreatedAt);
        Field(t => t.CreatedBy);
        Field(t => t.ExpiresAt);
        Field(t => t.UsedAt, nullable: true);
        Field<IdGraphType>("usedByAgentId").Resolve(c => c.Source.UsedByAgentId);
        Field(t => t.RevokedAt, nullable: true).Description("When an Admin revoked the token; it can no longer enrol a device.");
        Field(t => t.RevokedBy, nullable: true);
    }
}
