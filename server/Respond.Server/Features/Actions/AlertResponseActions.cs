using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Alerts;
using Respond.Server.GraphQL;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Actions;

/// <summary><c>Alert.responseActions</c>: the actions taken (or proposed) in response to the alert.</summary>
public sealed class AlertResponseActions : IAlertEvidenceFields
{
    public void AddTo(AlertType alert) =>
        alert.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ResponseActionGraphType>>>>("responseActions")
            .Description("Response actions it caused, oldest first.")
            .ResolveAsync(async c => await c.Service<RespondDbContext>().ResponseActions.AsNoTracking()
                .Where(a => a.AlertId == c.Source.Id && a.OrganizationId == c.Source.OrganizationId)
                .OrderBy(a => a.SubmittedAt).ThenBy(a => a.Id).Take(Pagination.MaxPageSize).ToListAsync(c.CancellationToken));
}
