using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Organizations;
using Respond.Server.GraphQL;
using Respond.Server.Persistence;

namespace Respond.Server.Identity;

public sealed class ViewerType : ObjectGraphType<RespondPrincipal>
{
    public ViewerType()
    {
        Name = "Viewer";
        Description = "The signed-in user or client.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field(p => p.Name);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("roles").Resolve(c => c.Source.Roles.Order(StringComparer.Ordinal));
        Field<NonNullGraphType<BooleanGraphType>>("allOrganizations").Description("True when the principal may see every organization.")
            .Resolve(c => c.Source.SeesAllOrganizations);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<OrganizationType>>>>("organizations")
            .ResolveAsync(async c => await c.Service<RespondDbContext>().Organizations.AsNoTracking().Include(o => o.Connections)
                .VisibleTo(c.Source).OrderBy(o => o.Name).ToListAsync(c.CancellationToken));
    }
}

public static class ViewerFields
{
    public static void Query(ObjectGraphType query) =>
        query.Field<NonNullGraphType<ViewerType>>("viewer").Resolve(c => c.Principal());
}
