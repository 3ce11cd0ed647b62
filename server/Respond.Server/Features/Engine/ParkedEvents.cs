using GraphQL;
using GraphQL.Types;
using GraphQL.Types.Relay;
using Microsoft.EntityFrameworkCore;
using Respond.Server.GraphQL;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Engine;

public sealed class ParkedEventType : ObjectGraphType<ParkedEvent>
{
    public ParkedEventType()
    {
        Name = "ParkedEvent";
        Description = "An event whose evaluation kept failing: it is stored, its organization's evaluation went on without it, and retryParkedEvent evaluates it again.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The event's sequence in the log.").Resolve(c => c.Source.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Field<NonNullGraphType<IdGraphType>>("organizationId").Resolve(c => c.Source.OrganizationId);
        Field(p => p.EventId);
        Field(p => p.Source);
        Field(p => p.Type);
        Field(p => p.Reason).Description("Why the last attempt failed.");
        Field(p => p.Attempts);
        Field(p => p.ParkedAt);
        Field(p => p.LastRetriedAt, nullable: true);
    }
}

public static class ParkedEventsQuery
{
    public static void Query(ObjectGraphType query) =>
        query.Field<NonNullGraphType<ConnectionType<ParkedEventType>>>("parkedEvents")
            .Description("Events whose evaluation kept failing, oldest first (Admin).")
            .PageArguments()
            .Argument<IdGraphType>("organizationId")
            .ResolveAsync(async c =>
            {
                var by = c.Require(Identity.Roles.Admin);
                var q = c.Service<RespondDbContext>().ParkedEvents.AsNoTracking().WhereOrganizationVisibleTo(p => p.OrganizationId, by);
                if (c.GetArgument<string?>("organizationId") is { } org) q = q.Where(p => p.OrganizationId == org);
                return await q.OrderBy(p => p.Sequence).ToConnectionAsync(c.GetArgument<int?>("first"), c.GetArgument<string?>("after"), p => p, c.CancellationToken);
            });
}
