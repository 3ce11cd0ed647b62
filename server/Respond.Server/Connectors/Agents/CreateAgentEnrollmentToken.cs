using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Workflows;

namespace Respond.Server.Connectors.Agents;

public sealed record CreateAgentEnrollmentTokenInput(string OrganizationId, string? ExpiresIn);

public sealed class CreateAgentEnrollmentTokenInputType : InputObjectGraphType<CreateAgentEnrollmentTokenInput>
{
    public CreateAgentEnrollmentTokenInputType()
    {
        Name = "CreateAgentEnrollmentTokenInput";
        Field<NonNullGraphType<IdGraphType>>("organizationId");
        Field(i => i.ExpiresIn, nullable: true).Description("ISO-8601 duration until the token expires, e.g. PT1H; default PT24H, at most P30D.");
    }
}

/// <summary>
/// A one-use enrolment token for installing an agent in an organization. The token is returned this once; the server
/// keeps only its hash, so a lost token is replaced, never recovered.
/// </summary>
internal sealed class CreateAgentEnrollmentToken(RespondDbContext db, AuditTrail audit, IOptions<AgentsOptions> options, TimeProvider time)
{
    public async Task<AgentEnrollmentTokenPayload> ExecuteAsync(CreateAgentEnrollmentTokenInput input, RespondPrincipal by, CancellationToken ct)
    {
        if (!by.CanSee(input.OrganizationId) || !await db.Organizations.AnyAsync(o => o.Id == input.OrganizationId, ct))
            return AgentEnrollmentTokenPayload.Fail(UserError.NotFound("organization", "organizationId"));
        var lifetime = options.Value.DefaultTokenLifetime;
        if (input.ExpiresIn is not null)
        {
            if (!IsoDuration.TryParse(input.ExpiresIn, out var duration) || duration.Value < TimeSpan.FromMinutes(1) || duration.Value > options.Value.MaxTokenLifetime)
                return AgentEnrollmentTokenPayload.Fail(new UserError(UserErrorCode.Validation,
                    $"expiresIn must be an ISO-8601 duration from PT1M to {new IsoDuration(options.Value.MaxTokenLifetime)}, e.g. PT1H.", "expiresIn"));
            lifetime = duration.Value;
        }
        var now = time.GetUtcNow();
        var secret = AgentSecrets.New("ret_");
        var token = new AgentEnrollmentToken
        {
            Id = "enroll-" + Guid.NewGuid().ToString("N")[..16],
            OrganizationId = input.OrganizationId,
            TokenHash = AgentSecrets.Hash(secret),
            CreatedBy = by.Id,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        db.Add(token);
        audit.Record(by, "agent.enrollmentTokenCreated", "AgentEnrollmentToken", token.Id, [token.OrganizationId], null,
            new { token.OrganizationId, token.ExpiresAt });
        await db.SaveChangesAsync(ct);
        return new AgentEnrollmentTokenPayload(secret, token, []);
    }
}

public sealed record AgentEnrollmentTokenPayload(string? Token, AgentEnrollmentToken? EnrollmentToken, IReadOnlyList<UserError> Errors)
{
    public static AgentEnrollmentTokenPayload Fail(params UserError[] errors) => new(null, null, errors);
}

public sealed class AgentEnrollmentTokenPayloadType : ObjectGraphType<AgentEnrollmentTokenPayload>
{
    public AgentEnrollmentTokenPayloadType()
    {
        Name = "AgentEnrollmentTokenPayload";
        Field(p => p.Token, nullable: true).Description("The token for POST /api/agents/enroll. Shown this once: only its hash is stored.");
        Field<AgentEnrollmentTokenType>("enrollmentToken").Resolve(c => c.Source.EnrollmentToken);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}
