using System.Text.Json.Nodes;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Workflows.Tests.Runtime;

public sealed class WorkflowEngineTests
{
    private static RuleSnapshot MatchRule(string id) => RuntimeHarness.Snapshot(RuntimeHarness.Chain("condition.match",
        """{ "all": [ { "field": "user.id", "op": "exists" } ] }"""), RuleOutcome.AlertOnly, id);

    private static RuleSnapshot ExpressionRule(string id) => RuntimeHarness.Snapshot(RuntimeHarness.Chain("condition.expression",
        """{ "expression": "true" }"""), RuleOutcome.AlertOnly, id);

    [Fact]
    public async Task HandleEvent_OneRuleFaults_OthersStillRun()
    {
        var harness = new RuntimeHarness(); // no expression evaluator: the expression rule faults
        var index = new TriggerIndex([ExpressionRule("a-faulty"), MatchRule("b-fine")]);

        var instances = await harness.Engine.HandleEventAsync(index, RuntimeHarness.Event("""{ "user": { "id": "u-1" } }"""), CancellationToken.None);

        Assert.Equal([InstanceStatus.Faulted, InstanceStatus.Completed], instances.Select(i => i.Status));
        Assert.Single(harness.Alerts.Alerts);
        Assert.Equal(InstanceStatus.Faulted, (await harness.Instances.FindAsync(instances[0].Id, CancellationToken.None))!.Status);
    }

    private sealed class ThrowingAlertSink : IAlertSink
    {
        public ValueTask<AlertOutcome> RaiseAsync(AlertRequest request, CancellationToken ct) => throw new InvalidOperationException("database down");
    }

    [Fact]
    public async Task Start_PortThrows_FaultsInsteadOfThrowing()
    {
        var harness = new RuntimeHarness();
        var engine = new WorkflowEngine(harness.Windows, new ThrowingAlertSink(), harness.Actions, harness.Approvals, harness.Instances,
            harness.Scheduler, harness.Time);

        var instance = await engine.StartAsync(CompiledRule.Compile(MatchRule("r")),
            RuntimeHarness.Event("""{ "user": { "id": "u-1" } }"""), CancellationToken.None);

        Assert.Equal(InstanceStatus.Faulted, instance.Status);
        Assert.Contains("database down", instance.Error);
        Assert.Contains("'alert'", instance.Error);
    }

    [Fact]
    public async Task Start_Completed_RecordsPathAndSavesUnlessTurnedOff()
    {
        var harness = new RuntimeHarness();
        var quiet = new RuntimeHarness(options: new WorkflowEngineOptions { PersistCompletedInstances = false });
        var rule = CompiledRule.Compile(MatchRule("r"));
        var e = RuntimeHarness.Event("""{ "user": { "id": "u-1" } }""");

        var saved = await harness.StartAsync(rule, e);
        await quiet.StartAsync(rule, e);

        Assert.Equal(["trigger", "subject", "alert"], saved.Path.Select(step => step.NodeId));
        Assert.Equal(["next", "true", "next"], saved.Path.Select(step => step.Port));
        Assert.Equal(InstanceStatus.Completed, saved.Status);
        Assert.Single(harness.Instances.All);
        Assert.Empty(quiet.Instances.All);
    }

    [Fact]
    public async Task StartScheduled_TickEvent_RunsWithClockAsNow()
    {
        var harness = new RuntimeHarness();
        var definition = RuntimeHarness.Chain("condition.match", """{ "all": [ { "field": "type", "op": "eq", "value": "schedule.tick" } ] }""");
        definition.Node("trigger")["type"] = "trigger.schedule";
        definition.Node("trigger")["config"] = JsonNode.Parse("""{ "cron": "0 0 2 * * ?" }""");
        var rule = RuntimeHarness.Rule(definition, RuleOutcome.AlertOnly);

        var instance = await harness.Engine.StartScheduledAsync(rule, harness.Time.GetUtcNow(), "org-a", CancellationToken.None);

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Equal("schedule.tick", instance.Event.Type);
        Assert.Equal("org-a", Assert.Single(harness.Alerts.Alerts).Request.OrganizationId);
        Assert.Equal("UTC", rule.TimeZone);
    }

    [Fact]
    public async Task Resume_AfterRestart_ContinuesFromStore()
    {
        var harness = new RuntimeHarness();
        var rule = RuntimeHarness.Rule(RuleJson.Valid(), RuleOutcome.ManualApproval);
        WorkflowInstance? suspended = null;
        for (var i = 0; i < 5; i++)
        {
            suspended = await harness.StartAsync(rule, RuntimeHarness.UserEvent("u-1", RuntimeHarness.Start.AddMinutes(i)));
        }
        var restarted = new WorkflowEngine(harness.Windows, harness.Alerts, harness.Actions, harness.Approvals, harness.Instances,
            harness.Scheduler, harness.Time);

        var resumed = await restarted.ResumeAsync(suspended!.Id, suspended.Bookmark!.Id, "approved", null, CancellationToken.None);

        Assert.Equal(InstanceStatus.Completed, resumed!.Status);
        Assert.Equal("u-1", Assert.Single(harness.Actions.Dispatched).Target["userId"]);
    }

    [Fact]
    public async Task Start_FanOut_RunsEveryBranchAndJoinOnce()
    {
        var harness = new RuntimeHarness();
        var rule = RuntimeHarness.Rule((JsonObject)JsonNode.Parse("""
            {
              "schemaVersion": 1,
              "nodes": [
                { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.failed"] } },
                { "id": "a", "type": "condition.match", "config": { "all": [ { "field": "user.id", "op": "exists" } ] } },
                { "id": "b", "type": "condition.match", "config": { "all": [ { "field": "user.id", "op": "eq", "value": "u-1" } ] } },
                { "id": "alert", "type": "alert.create", "config": { "title": "Joined", "severity": "LOW" } }
              ],
              "edges": [
                { "from": "trigger", "to": "a" }, { "from": "trigger", "to": "b" },
                { "from": "a", "to": "alert", "port": "true" }, { "from": "b", "to": "alert", "port": "true" }
              ]
            }
            """)!, RuleOutcome.AlertOnly);

        var instance = await harness.StartAsync(rule, RuntimeHarness.Event("""{ "user": { "id": "u-1" } }"""));

        Assert.Equal(["trigger", "a", "alert", "b"], instance.Path.Select(step => step.NodeId));
        Assert.Single(harness.Alerts.Alerts);
    }

    [Fact]
    public async Task Start_ManyInstances_GetDistinctVersion7Ids()
    {
        var harness = new RuntimeHarness();
        var rule = CompiledRule.Compile(MatchRule("r"));

        var ids = new List<string>();
        for (var i = 0; i < 500; i++)
        {
            ids.Add((await harness.StartAsync(rule, RuntimeHarness.Event("{}"))).Id);
        }

        Assert.Equal(500, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(7, Guid.Parse(id).Version));
    }
}
