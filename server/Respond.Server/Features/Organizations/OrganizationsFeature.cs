using GraphQL;
using GraphQL.Types;
using GraphQL.Types.Relay;
using Microsoft.EntityFrameworkCore;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Organizations;

public static class OrganizationsFeature
{
    public static IServiceCollection AddOrganizations(this IServiceCollection services) =>
        services.AddScoped<CreateOrganization>().AddScoped<ConnectOrganization>().AddScoped<TestConnection>();

    public static IQueryable<Organization> VisibleTo(this IQueryable<Organization> query, RespondPrincipal principal) =>
        query.WhereOrganizationVisibleTo(o => o.Id, principal);

    public static void Query(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ConnectionType<OrganizationType>>>("organizations")
            .Description("The organizations you can see, with their connection status (Manage Connections).")
            .PageArguments()
            .ResolveAsync(async c =>
            {
                var by = c.RequireReader();
                return await c.Service<RespondDbContext>().Organizations.AsNoTracking().Include(o => o.Connections)
                    .VisibleTo(by).OrderBy(o => o.Name).ThenBy(o => o.Id)
                    .ToConnectionAsync(c.GetArgument<int?>("first"), c.GetArgument<string?>("after"), o => o, c.CancellationToken);
            });
    }

    public static void Mutation(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<OrganizationPayloadType>>("createOrganization")
            .Argument<NonNullGraphType<CreateOrganizationInputType>>("input")
            .ResolveAsync(async c => await c.Service<CreateOrganization>().ExecuteAsync(c.GetArgument<CreateOrganizationInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<OrganizationPayloadType>>("connectOrganization")
            .Argument<NonNullGraphType<ConnectOrganizationInputType>>("input")
            .ResolveAsync(async c => await c.Service<ConnectOrganization>().ExecuteAsync(c.GetArgument<ConnectOrganizationInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
        mutation.Field<NonNullGraphType<OrganizationPayloadType>>("testConnection")
            .Argument<NonNullGraphType<TestConnectionInputType>>("input")
            .ResolveAsync(async c => await c.Service<TestConnection>().ExecuteAsync(c.GetArgument<TestConnectionInput>("input"), c.Require(Roles.Admin), c.CancellationToken));
    }
}
