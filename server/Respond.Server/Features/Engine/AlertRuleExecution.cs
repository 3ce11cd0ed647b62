using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Alerts;
using Respond.Server.GraphQL;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Engine;

/// <summary><c>Alert.ruleExecution</c>: the run that raised the alert, with its path (the shape testRule returns).</summary>
public sealed class AlertRuleExecution : IAlertEvidenceFields
{
    public void AddTo(AlertType alert) =>
        alert.Field<RuleExecutionType>("ruleExecution")
            .Description("The run that raised it: each node visited, the port it left by, each condition's compared values (as testRule's path).")
            .ResolveAsync(async c =>
            {
                var id = c.Source.Id;
                // The run records the alert it raised among its variables; alert ids are unique, so the match is exact.
                return await c.Service<RespondDbContext>().WorkflowInstances.AsNoTracking()
                    .Where(i => i.RuleId == c.Source.RuleId && i.OrganizationId == c.Source.OrganizationId && i.VariablesJson.Contains(id))
                    .OrderBy(i => i.StartedAt).FirstOrDefaultAsync(c.CancellationToken);
            });
}
