using System.Text.Json;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Events;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Workflows;
using Respond.Workflows.Runtime;

namespace Respond.Server.Features.RuleTesting;

public sealed class TestRuleInputType : InputObjectGraphType
{
    public TestRuleInputType()
    {
        Name = "TestRuleInput";
        Field<IdGraphType>("ruleId").Description("A saved rule; or give definition (and outcome) to test the canvas unsaved.");
        Field<JsonGraphType>("definition");
        Field<EnumerationGraphType<RuleOutcome>>("outcome");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EventInputType>>>>("events").Description("Sample events, run in order (windows count across them).");
    }
}

public sealed record TestRulePayload(IReadOnlyList<DryRunEventResult> Results, IReadOnlyList<UserError> Errors);

public sealed class TestEventResultType : ObjectGraphType<DryRunEventResult>
{
    public TestEventResultType()
    {
        Name = "TestEventResult";
        Field(r => r.EventId);
        Field(r => r.Triggered).Description("False when the trigger ignores the event (type, scope, source, severity).");
        Field<StringGraphType>("status").Resolve(c => c.Source.Status?.ToString().ToUpperInvariant());
        Field<NonNullGraphType<JsonGraphType>>("path").Description("The nodes taken, the port each left by and each condition's compared values.")
            .Resolve(c => JsonSerializer.SerializeToElement(c.Source.Path, RespondDbContext.JsonOptions));
        Field<NonNullGraphType<JsonGraphType>>("alerts").Resolve(c => JsonSerializer.SerializeToElement(c.Source.Alerts, RespondDbContext.JsonOptions));
        Field<NonNullGraphType<JsonGraphType>>("actions").Description("Actions it would dispatch directly.")
            .Resolve(c => JsonSerializer.SerializeToElement(c.Source.Actions.Select(a => new { a.Type, a.Target, a.NodeId }), RespondDbContext.JsonOptions));
        Field<NonNullGraphType<JsonGraphType>>("approvalRequests").Description("Approval requests a gate would open, with the actions they propose.")
            .Resolve(c => JsonSerializer.SerializeToElement(c.Source.ApprovalRequests.Select(o => new { o.NodeId, Actions = o.ProposedActions.Select(a => new { a.Type, a.Target }) }), RespondDbContext.JsonOptions));
        Field(r => r.Error, nullable: true);
    }
}

public sealed class TestRulePayloadType : ObjectGraphType<TestRulePayload>
{
    public TestRulePayloadType()
    {
        Name = "TestRulePayload";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TestEventResultType>>>>("results").Resolve(c => c.Source.Results);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>>("errors").Resolve(c => c.Source.Errors);
    }
}

/// <summary>testRule: a dry run over sample events. Nothing is stored, published or dispatched.</summary>
internal sealed class TestRule(RespondDbContext db, TimeProvider time, Respond.Workflows.Runtime.Ports.IExpressionEvaluator? expressions = null)
{
    public const int MaxEvents = 1_000;

    public async Task<TestRulePayload> ExecuteAsync(IResolveFieldContext c, RespondPrincipal by, CancellationToken ct)
    {
        var input = c.GetArgument<Dictionary<string, object?>>("input");
        var samples = ((IEnumerable<object?>)input["events"]!).ToList();
        if (samples.Count > MaxEvents)
            return new TestRulePayload([], [new UserError(UserErrorCode.BatchTooLarge, $"Test with at most {MaxEvents} events; use backtestRule for more.", "events")]);
        var (rule, error) = await RuleUnderTest.ResolveAsync(db, by, input.GetValueOrDefault("ruleId") as string,
            input.GetValueOrDefault("definition") as JsonElement?, input.GetValueOrDefault("outcome") as RuleOutcome?, ct);
        if (rule is null) return new TestRulePayload([], [error!]);

        var events = new List<WorkflowEvent>();
        var errors = new List<UserError>();
        for (var i = 0; i < samples.Count; i++)
        {
            var (parsed, problem) = EventParser.Parse(EventsFeature.ToJson(samples[i]).Deserialize<JsonElement>(), i);
            if (parsed is not null && !by.CanSee(parsed.OrganizationId))
                problem = new UserError(UserErrorCode.InvalidEvent, $"events[{i}].organizationId: not one of your organizations", ["input", "events", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "organizationId"]);
            if (problem is not null) errors.Add(problem);
            else events.Add(EventMapping.ToWorkflowEvent(parsed!));
        }
        if (errors.Count > 0) return new TestRulePayload([], errors);
        var report = await DryRun.RunAsync(rule, events, time, expressions, ct);
        return new TestRulePayload(report.Events, []);
    }
}
