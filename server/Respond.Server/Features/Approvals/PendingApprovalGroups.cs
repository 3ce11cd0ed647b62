using GraphQL;
using GraphQL.Types;
using GraphQL.Types.Relay;
using Microsoft.EntityFrameworkCore;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Workflows;

namespace Respond.Server.Features.Approvals;

/// <summary>Pending requests that propose the same actions on the same targets in one organization: one decision fits all of them.</summary>
public sealed record ApprovalGroup(string GroupKey, string OrganizationId, IReadOnlyList<ResponseActionType> ActionTypes, IReadOnlyList<string> Targets,
    IReadOnlyList<ApprovalRequest> Requests)
{
    public DateTimeOffset EarliestExpiresAt => Requests.Min(r => r.ExpiresAt);
    public DateTimeOffset LatestCreatedAt => Requests.Max(r => r.CreatedAt);
}

public sealed class ApprovalGroupType : ObjectGraphType<ApprovalGroup>
{
    public ApprovalGroupType()
    {
        Name = "ApprovalGroup";
        Description = "Identical pending proposals (same organization, action types and targets).";
        Field(g => g.GroupKey);
        Field<NonNullGraphType<IdGraphType>>("organizationId").Resolve(c => c.Source.OrganizationId);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EnumerationGraphType<ResponseActionType>>>>>("actionTypes").Resolve(c => c.Source.ActionTypes);
        Field(g => g.Targets).Description("Each proposed action's target, e.g. \"deviceId=dev-7\".");
        Field<NonNullGraphType<IntGraphType>>("count").Resolve(c => c.Source.Requests.Count);
        Field(g => g.EarliestExpiresAt);
        Field(g => g.LatestCreatedAt);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("requestIds").Description("Every request of the group, the one expiring first first (for decideApprovalRequests).")
            .Resolve(c => c.Source.Requests.Select(r => r.Id));
        Field<NonNullGraphType<ApprovalRequestType>>("first").Description("The request of the group that expires first.").Resolve(c => c.Source.Requests[0]);
    }
}

public static class PendingApprovalGroups
{
    public static void Query(ObjectGraphType query) =>
        query.Field<NonNullGraphType<ConnectionType<ApprovalGroupType>>>("pendingApprovalGroups")
            .Description("Pending requests grouped by what they propose; the group expiring first first (order NEWEST: the newest group first).")
            .PageArguments()
            .Argument<ApprovalFilterInputType>("where", "The approvalRequests filters; status is always PENDING.")
            .Argument<EnumerationGraphType<ApprovalOrder>>("order")
            .ResolveAsync(async c =>
            {
                var by = c.RequireReader();
                var db = c.Service<RespondDbContext>();
                var where = (c.GetArgument<ApprovalFilter?>("where") ?? new ApprovalFilter(null, null, null, null, null, null, null, null)) with { Status = ApprovalStatus.Pending };
                var pending = await db.ApprovalRequests.AsNoTracking().VisibleTo(by).Matching(db, where)
                    .OrderBy(a => a.ExpiresAt).ThenBy(a => a.Id).ToListAsync(c.CancellationToken);
                var groups = pending.Select(r => (Request: r, Proposal: ApprovalProposal.Of(r)))
                    .GroupBy(x => x.Proposal.GroupKey, StringComparer.Ordinal)
                    .Select(g => new ApprovalGroup(g.Key, g.First().Request.OrganizationId, g.First().Proposal.ActionTypes, g.First().Proposal.Targets,
                        g.Select(x => x.Request).ToList()));
                var ordered = c.GetArgument<ApprovalOrder?>("order") == ApprovalOrder.Newest
                    ? groups.OrderByDescending(g => g.LatestCreatedAt).ThenBy(g => g.GroupKey, StringComparer.Ordinal)
                    : groups.OrderBy(g => g.EarliestExpiresAt).ThenBy(g => g.GroupKey, StringComparer.Ordinal);
                var page = ordered.ToList().ToConnection(c.GetArgument<int?>("first"), c.GetArgument<string?>("after"));
                c.Service<PrincipalNames>().Expect(page.Edges!.SelectMany(e => e.Node!.Requests[0].PrincipalIds));
                return page;
            });
}
