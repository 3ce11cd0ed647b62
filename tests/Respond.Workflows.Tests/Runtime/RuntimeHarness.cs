using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.InMemory;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Workflows.Tests.Runtime;

/// <summary>An engine wired to the in-memory ports and a fake clock, plus builders for rules and events.</summary>
internal sealed class RuntimeHarness
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Time { get; } = new(Start);
    public InMemoryWindowStore Windows { get; } = new();
    public RecordingAlertSink Alerts { get; } = new();
    public RecordingActionDispatcher Actions { get; }
    public RecordingApprovalGateway Approvals { get; } = new();
    public InMemoryInstanceStore Instances { get; } = new();
    public ManualResumeScheduler Scheduler { get; } = new();
    public WorkflowEngine Engine { get; }

    public RuntimeHarness(IExpressionEvaluator? expressions = null, Func<ProposedAction, DispatchResult>? dispatch = null,
        WorkflowEngineOptions? options = null)
    {
        Actions = new RecordingActionDispatcher(dispatch);
        Engine = new WorkflowEngine(Windows, Alerts, Actions, Approvals, Instances, Scheduler, Time, options, expressions);
    }

    public static RuleSnapshot Snapshot(JsonObject definition, RuleOutcome outcome = RuleOutcome.Automatic, string ruleId = "rule-1",
        IReadOnlyList<string>? organizations = null)
    {
        var element = definition.ToElement();
        return new RuleSnapshot(ruleId, "Test rule " + ruleId, 3, DefinitionHash.Compute(element), outcome, organizations ?? [],
            WorkflowDefinition.Parse(element).Definition);
    }

    public static CompiledRule Rule(JsonObject definition, RuleOutcome outcome = RuleOutcome.Automatic, string ruleId = "rule-1",
        IReadOnlyList<string>? organizations = null) =>
        CompiledRule.Compile(Snapshot(definition, outcome, ruleId, organizations));

    public static CompiledRule Rule(string definitionJson, RuleOutcome outcome = RuleOutcome.Automatic) =>
        Rule((JsonObject)JsonNode.Parse(definitionJson)!, outcome);

    private static int sequence;

    /// <summary>An event: header fields plus <paramref name="fields"/> (entities and raw) as JSON.</summary>
    public static WorkflowEvent Event(string fields = "{}", string type = "signin.failed", DateTimeOffset? time = null,
        string organization = "org-a", string source = "entra", Severity severity = Severity.Medium, string? id = null)
    {
        var json = (JsonObject)JsonNode.Parse(fields)!;
        id ??= $"evt-{Interlocked.Increment(ref sequence)}";
        var at = time ?? Start;
        json["id"] = id;
        json["organizationId"] = organization;
        json["source"] = source;
        json["type"] = type;
        json["severity"] = ApiEnumName.Format(severity);
        json["time"] = at;
        return new WorkflowEvent(id, organization, source, type, severity, at, JsonSerializer.SerializeToElement(json));
    }

    public static WorkflowEvent UserEvent(string userId, DateTimeOffset time, string type = "signin.failed", string? raw = null) =>
        Event($$"""{ "user": { "id": "{{userId}}", "name": "User {{userId}}" }, "raw": {{raw ?? "{}"}} }""", type, time);

    public ValueTask<WorkflowInstance> StartAsync(CompiledRule rule, WorkflowEvent e) => Engine.StartAsync(rule, e, CancellationToken.None);

    /// <summary>trigger(eventTypes) → subject(type, config) → alert on the given port of subject.</summary>
    public static JsonObject Chain(string subjectType, string subjectConfig, string eventType = "signin.failed", string port = "true",
        string alertConfig = """{ "title": "Hit for {{user.id}}", "severity": "HIGH" }""") =>
        (JsonObject)JsonNode.Parse($$"""
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["{{eventType}}"] } },
            { "id": "subject", "type": "{{subjectType}}", "config": {{subjectConfig}} },
            { "id": "alert", "type": "alert.create", "config": {{alertConfig}} }
          ],
          "edges": [
            { "from": "trigger", "to": "subject" },
            { "from": "subject", "to": "alert", "port": "{{port}}" }
          ]
        }
        """)!;

    public static PathStep Step(WorkflowInstance instance, string nodeId) => instance.Path.Last(step => step.NodeId == nodeId);
}
