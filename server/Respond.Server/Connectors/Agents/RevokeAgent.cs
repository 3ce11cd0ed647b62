using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Connectors.Agents;

public sealed record RevokeAgentInput(string AgentId, string? Reason);

public sealed class RevokeAgentInputType : InputObjectGraphType<RevokeAgentInput>
{
    public RevokeAgentInputType()
    {
        Name = "RevokeAgentInput";
        Field<NonNullGraphType<IdGraphType>>("agentId");
        Field(i => i.Reason, nullable: true).Description("Why (a lost laptop, a compromised host); kept on the agent and in the audit trail.");
    }
}

public sealed record RevokeAgentEnrollmentTokenInput(string EnrollmentTokenId);

public sealed class RevokeAgentEnrollmentTokenInputType : InputObjectGraphType<RevokeAgentEnrollmentTokenInput>
{
    public RevokeAgentEnrollmentTokenInputType()
    {
        Name = "RevokeAgentEnrollmentTokenInput";
        Field<NonNullGraphType<IdGraphType>>("enrollmentTokenId");
    }
}

public sealed record RevokeAgentPayload(Agent? Agent, IReadOnlyList<UserError> Errors);

public sealed class RevokeAgentPayloadType : ObjectGraphType<RevokeAgentPayload>
{
    public RevokeAgentPayloadType()
    {
        Name = "RevokeAgentPayload";
        Field<AgentType>("agent").Resolve(c => c.Source.Agent);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

public sealed record RevokeAgentEnrollmentTokenPayload(AgentEnrollmentToken? EnrollmentToken, IReadOnlyList<UserError> Errors);

public sealed class RevokeAgentEnrollmentTokenPayloadType : ObjectGraphType<RevokeAgentEnrollmentTokenPayload>
{
    public RevokeAgentEnrollmentTokenPayloadType()
    {
        Name = "RevokeAgentEnrollmentTokenPayload";
        Field<AgentEnrollmentTokenType>("enrollmentToken").Resolve(c => c.Source.EnrollmentToken);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

/// <summary>
/// Revokes an agent (a lost or compromised device): its credential stops working at once and an open channel is
/// dropped, so no further command reaches it and it can send nothing. Revokes an unused enrolment token (leaked, or
/// handed to the wrong person). Both are audited.
/// </summary>
internal sealed class RevokeAgent(RespondDbContext db, AgentRegistry registry, AuditTrail audit, TimeProvider time, ILogger<RevokeAgent> logger)
{
    public const int MaxReasonLength = 500;

    public async Task<RevokeAgentPayload> AgentAsync(RevokeAgentInput input, RespondPrincipal by, CancellationToken ct)
    {
        if (input.Reason is { Length: > MaxReasonLength })
            return new(null, [new UserError(UserErrorCode.Validation, $"reason is at most {MaxReasonLength} characters.", "reason")]);
        var agent = await db.Agents.VisibleTo(by).SingleOrDefaultAsync(a => a.Id == input.AgentId, ct);
        if (agent is null) return new(null, [UserError.NotFound("agent", "agentId")]);
        if (agent.RevokedAt is not null)
            return new(null, [new UserError(UserErrorCode.InvalidState, $"The agent was already revoked at {agent.RevokedAt:u}.", "agentId")]);
        var reason = string.IsNullOrWhiteSpace(input.Reason) ? null : input.Reason.Trim();
        agent.Revoke(by.Id, reason, time.GetUtcNow());
        audit.Record(by, "agent.revoked", "Agent", agent.Id, [agent.OrganizationId], null, new { agent.DeviceId, agent.Hostname, Reason = reason });
        await db.SaveChangesAsync(ct);
        if (registry.Find(agent.OrganizationId, agent.DeviceId) is { } connection && connection.AgentId == agent.Id) connection.Abort();
        AgentsLog.Revoked(logger, agent.Id, agent.DeviceId, agent.OrganizationId, by.Id);
        return new(agent, []);
    }

    public async Task<RevokeAgentEnrollmentTokenPayload> EnrollmentTokenAsync(RevokeAgentEnrollmentTokenInput input, RespondPrincipal by, CancellationToken ct)
    {
        var token = await db.AgentEnrollmentTokens.VisibleTo(by).SingleOrDefaultAsync(t => t.Id == input.EnrollmentTokenId, ct);
        if (token is null) return new(null, [UserError.NotFound("enrolment token", "enrollmentTokenId")]);
        if (token.UsedAt is not null)
            return new(null, [new UserError(UserErrorCode.InvalidState,
                $"The token was already used by agent {token.UsedByAgentId}; revoke that agent instead.", "enrollmentTokenId")]);
        if (token.RevokedAt is not null)
            return new(null, [new UserError(UserErrorCode.InvalidState, $"The token was already revoked at {token.RevokedAt:u}.", "enrollmentTokenId")]);
        token.Revoke(by.Id, time.GetUtcNow());
        audit.Record(by, "agent.enrollmentTokenRevoked", "AgentEnrollmentToken", token.Id, [token.OrganizationId], null, new { token.OrganizationId });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // UsedAt is a concurrency token: a device enrolled with the token while it was being revoked.
            return new(null, [new UserError(UserErrorCode.InvalidState, "The token was used to enrol a device just now; revoke that agent instead.", "enrollmentTokenId")]);
        }
        return new(token, []);
    }
}
