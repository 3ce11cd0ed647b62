using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Connectors.Agents;

public static class AgentsFeature
{
    public static IServiceCollection AddAgents(this IServiceCollection services)
    {
        services.AddOptions<AgentsOptions>().BindConfiguration(AgentsOptions.Section)
            .Validate(o => o.IsValid, "Respond:Agents needs positive timeouts and MaxTokenLifetime >= DefaultTokenLifetime.")
            .ValidateOnStart();
        services.AddSingleton<AgentRegistry>();
        services.AddSingleton<AgentChannel>();
        services.AddSingleton<AgentCommandRelay>();
        services.AddSingleton<IConnector, EndpointAgentConnector>();
        return services.AddScoped<EnrollAgent>().AddScoped<CreateAgentEnrollmentToken>().AddScoped<RevokeAgent>();
    }

    public static IQueryable<Agent> VisibleTo(this IQueryable<Agent> query, RespondPrincipal principal) =>
        query.WhereOrganizationVisibleTo(a => a.OrganizationId, principal);

    public static IQueryable<AgentEnrollmentToken> VisibleTo(this IQueryable<AgentEnrollmentToken> query, RespondPrincipal principal) =>
        query.WhereOrganizationVisibleTo(t => t.OrganizationId, principal);

    public static void Query(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<AgentType>>>>("agents")
            .Description("Enrolled endpoint agents you can see, by hostname; of one organization when organizationId is given.")
            .Argument<IdGraphType>("organizationId")
            .ResolveAsync(async c =>
            {
                var by = c.RequireReader();
                var organizationId = c.GetArgument<string?>("organizationId");
                return await c.Service<RespondDbContext>().Set<Agent>().AsNoTracking().VisibleTo(by)
                    .Where(a => organizationId == null || a.OrganizationId == organizationId)
                    .OrderBy(a => a.Hostname).ThenBy(a => a.Id).ToListAsync(c.CancellationToken);
            });
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<AgentEnrollmentTokenType>>>>("agentEnrollmentTokens")
            .Description("Enrolment tokens you can see (Admin), newest first; token values are never returned.")
            .Argument<IdGraphType>("organizationId")
            .ResolveAsync(async c =>
            {
                var by = c.Require(Roles.Admin);
                var organizationId = c.GetArgument<string?>("organizationId");
                return await c.Service<RespondDbContext>().Set<AgentEnrollmentToken>().AsNoTracking().VisibleTo(by)
                    .Where(t => organizationId == null || t.OrganizationId == organizationId)
                    .OrderByDescending(t => t.CreatedAt).ThenBy(t => t.Id).ToListAsync(c.CancellationToken);
            });
    }

    public static void Mutation(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<AgentEnrollmentTokenPayloadType>>("createAgentEnrollmentToken")
            .Argument<NonNullGraphType<CreateAgentEnrollmentTokenInputType>>("input")
            .ResolveAsync(async c => await c.Service<CreateAgentEnrollmentToken>()
                .ExecuteAsync(c.GetArgument<CreateAgentEnrollmentTokenInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<RevokeAgentPayloadType>>("revokeAgent")
            .Description("Revokes an agent (Admin): its credential stops working and its open channel is dropped; the device must enrol again.")
            .Argument<NonNullGraphType<RevokeAgentInputType>>("input")
            .ResolveAsync(async c => await c.Service<RevokeAgent>()
                .AgentAsync(c.GetArgument<RevokeAgentInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<RevokeAgentEnrollmentTokenPayloadType>>("revokeAgentEnrollmentToken")
            .Description("Revokes an unused enrolment token (Admin), so it can no longer enrol a device.")
            .Argument<NonNullGraphType<RevokeAgentEnrollmentTokenInputType>>("input")
            .ResolveAsync(async c => await c.Service<RevokeAgent>()
                .EnrollmentTokenAsync(c.GetArgument<RevokeAgentEnrollmentTokenInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
    }
}
