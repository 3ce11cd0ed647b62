using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Alerts;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Approvals;

/// <summary><c>Alert.approvalRequests</c>: the requests the alert's run or its responders opened.</summary>
public sealed class AlertApprovalRequests : IAlertEvidenceFields
{
    public void AddTo(AlertType alert) =>
        alert.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ApprovalRequestType>>>>("approvalRequests")
            .Description("Approval requests it caused, oldest first.")
            .ResolveAsync(async c =>
            {
                var requests = await c.Service<RespondDbContext>().ApprovalRequests.AsNoTracking()
                    .Where(a => a.AlertId == c.Source.Id && a.OrganizationId == c.Source.OrganizationId)
                    .OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Take(Pagination.MaxPageSize).ToListAsync(c.CancellationToken);
                c.Service<PrincipalNames>().Expect(requests.SelectMany(r => r.PrincipalIds));
                c.Service<ApprovalRelations>().Listed(requests);
                return requests;
            });
}
