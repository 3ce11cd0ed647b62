using System.Text.Json;
using GraphQL;
using GraphQL.Types;
using GraphQL.Types.Relay;
using Microsoft.EntityFrameworkCore;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Engine;

public sealed class RuleExecutionType : ObjectGraphType<WorkflowInstanceRecord>
{
    public RuleExecutionType()
    {
        Name = "RuleExecution";
        Description = "One run of a rule for one event: where it went and why.";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<IdGraphType>>("ruleId").Resolve(c => c.Source.RuleId);
        Field(i => i.RuleVersion);
        Field<NonNullGraphType<IdGraphType>>("organizationId").Resolve(c => c.Source.OrganizationId);
        Field(i => i.EventId);
        Field<NonNullGraphType<StringGraphType>>("status").Description("RUNNING, SUSPENDED, COMPLETED or FAULTED.")
            .Resolve(c => c.Source.Status.ToUpperInvariant());
        Field<NonNullGraphType<JsonGraphType>>("path").Description("Each node visited, the port it left by and what it compared.")
            .Resolve(c => JsonDocument.Parse(c.Source.PathJson).RootElement.Clone());
        Field<JsonGraphType>("bookmark").Description("What a suspended run waits for.")
            .Resolve(c => c.Source.BookmarkJson is null ? null : JsonDocument.Parse(c.Source.BookmarkJson).RootElement.Clone());
        Field(i => i.StartedAt);
        Field(i => i.EndedAt, nullable: true);
        Field(i => i.Error, nullable: true);
    }
}

public sealed record RuleExecutionFilter(string? RuleId, string? OrganizationId, string? EventId, string? Status);

public sealed class RuleExecutionFilterInputType : InputObjectGraphType<RuleExecutionFilter>
{
    public RuleExecutionFilterInputType()
    {
        Name = "RuleExecutionFilterInput";
        Field<IdGraphType>("ruleId");
        Field<IdGraphType>("organizationId");
        Field(f => f.EventId, nullable: true);
        Field(f => f.Status, nullable: true).Description("RUNNING, SUSPENDED, COMPLETED or FAULTED.");
    }
}

public static class RuleExecutionsFeature
{
    public static void Query(ObjectGraphType query) =>
        query.Field<NonNullGraphType<ConnectionType<RuleExecutionType>>>("ruleExecutions")
            .Description("Runs that suspended, faulted, raised an alert or proposed an action, newest first. Runs that ended without effect are not stored: use testRule to see why an event did not fire.")
            .PageArguments()
            .Argument<RuleExecutionFilterInputType>("where")
            .ResolveAsync(async c =>
            {
                var by = c.RequireReader();
                var where = c.GetArgument<RuleExecutionFilter?>("where");
                var q = c.Service<RespondDbContext>().WorkflowInstances.AsNoTracking().WhereOrganizationVisibleTo(i => i.OrganizationId, by);
                if (where?.RuleId is { } rule) q = q.Where(i => i.RuleId == rule);
                if (where?.OrganizationId is { } org) q = q.Where(i => i.OrganizationId == org);
                if (where?.EventId is { } e) q = q.Where(i => i.EventId == e);
                if (where?.Status is { } status)
                {
                    var stored = status.Length == 0 ? status : char.ToUpperInvariant(status[0]) + status[1..].ToLowerInvariant();
                    q = q.Where(i => i.Status == stored);
                }
                return await q.OrderByDescending(i => i.StartedAt).ThenBy(i => i.Id)
                    .ToConnectionAsync(c.GetArgument<int?>("first"), c.GetArgument<string?>("after"), i => i, c.CancellationToken);
            });
}
