using System.Text.Json.Nodes;
using Respond.Workflows.Runtime;
using Respond.Workflows.Tests.Runtime;

namespace Respond.Workflows.Tests.Activities.Conditions;

public sealed class CorrelateConditionTests
{
    private static readonly DateTimeOffset T0 = RuntimeHarness.Start;

    private static CompiledRule Rule(bool ordered) => RuntimeHarness.Rule((JsonObject)JsonNode.Parse($$$"""
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.succeeded"] } },
            { "id": "subject", "type": "condition.correlate", "config": {
                "groupBy": ["user.id"], "window": "PT1H", "ordered": {{{(ordered ? "true" : "false")}}},
                "signals": [
                  { "name": "risky sign-in", "eventTypes": ["signin.succeeded"],
                    "any": [ { "field": "raw.riskLevel", "op": "in", "value": ["medium", "high"] } ] },
                  { "name": "forwarding rule", "eventTypes": ["mailbox.rule.created"],
                    "all": [ { "field": "raw.forwardTo", "op": "exists", "value": true } ] },
                  { "name": "file download", "eventTypes": ["file.downloaded"] }
                ] } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Takeover of {{user.id}}", "severity": "CRITICAL" } }
          ],
          "edges": [
            { "from": "trigger", "to": "subject" },
            { "from": "subject", "to": "alert", "port": "true" }
          ]
        }
        """)!);

    private static WorkflowEvent Risky(string user, int minute) =>
        RuntimeHarness.UserEvent(user, T0.AddMinutes(minute), "signin.succeeded", """{ "riskLevel": "high" }""");

    private static WorkflowEvent Forwarding(string user, int minute) =>
        RuntimeHarness.UserEvent(user, T0.AddMinutes(minute), "mailbox.rule.created", """{ "forwardTo": "x@evil.example" }""");

    private static WorkflowEvent Download(string user, int minute) =>
        RuntimeHarness.UserEvent(user, T0.AddMinutes(minute), "file.downloaded");

    private static async Task<List<string?>> PortsAsync(CompiledRule rule, params WorkflowEvent[] events)
    {
        var harness = new RuntimeHarness();
        var ports = new List<string?>();
        foreach (var e in events)
        {
            ports.Add(RuntimeHarness.Step(await harness.StartAsync(rule, e), "subject").Port);
        }
        return ports;
    }

    [Fact]
    public void Compile_SignalEventTypes_FeedTheTrigger()
    {
        var rule = Rule(ordered: false);

        Assert.Equal(["signin.succeeded", "mailbox.rule.created", "file.downloaded"], rule.EventTypes);
    }

    [Fact]
    public async Task Execute_AllThreeSignalsOfOneUserInWindow_TakesTruePort()
    {
        var ports = await PortsAsync(Rule(ordered: false), Risky("u-1", 0), Forwarding("u-1", 20), Download("u-1", 50));

        Assert.Equal(["false", "false", "true"], ports);
    }

    [Fact]
    public async Task Execute_ThirdSignalAfterWindow_TakesFalsePort()
    {
        var ports = await PortsAsync(Rule(ordered: false), Risky("u-1", 0), Forwarding("u-1", 20), Download("u-1", 61));

        Assert.Equal(["false", "false", "false"], ports);
    }

    [Fact]
    public async Task Execute_SignalsOfDifferentUsers_TakeFalsePort()
    {
        var ports = await PortsAsync(Rule(ordered: false), Risky("u-1", 0), Forwarding("u-2", 20), Download("u-1", 30));

        Assert.Equal(["false", "false", "false"], ports);
    }

    [Fact]
    public async Task Execute_EventMatchingNoSignalFilter_IsNotCounted()
    {
        var lowRisk = RuntimeHarness.UserEvent("u-1", T0, "signin.succeeded", """{ "riskLevel": "low" }""");

        var ports = await PortsAsync(Rule(ordered: false), lowRisk, Forwarding("u-1", 20), Download("u-1", 30));

        Assert.Equal(["false", "false", "false"], ports);
    }

    [Fact]
    public async Task Execute_UnorderedSignalsInAnyOrder_TakeTruePort()
    {
        var ports = await PortsAsync(Rule(ordered: false), Download("u-1", 0), Forwarding("u-1", 10), Risky("u-1", 20));

        Assert.Equal("true", ports[^1]);
    }

    [Fact]
    public async Task Execute_OrderedSignalsOutOfOrder_TakeFalsePort()
    {
        var ports = await PortsAsync(Rule(ordered: true), Download("u-1", 0), Forwarding("u-1", 10), Risky("u-1", 20));

        Assert.Equal(["false", "false", "false"], ports);
    }

    [Fact]
    public async Task Execute_OrderedSignalsInOrder_TakeTruePortAndRecordTheChain()
    {
        var harness = new RuntimeHarness();
        var rule = Rule(ordered: true);
        await harness.StartAsync(rule, Risky("u-1", 0));
        await harness.StartAsync(rule, Forwarding("u-1", 10));

        var last = await harness.StartAsync(rule, Download("u-1", 20));

        var step = RuntimeHarness.Step(last, "subject");
        Assert.Equal("true", step.Port);
        Assert.Equal(["risky sign-in", "forwarding rule", "file download"],
            step.Detail!["signals"]!.AsArray().Select(signal => (string)signal!["name"]!));
        Assert.Single(harness.Alerts.Alerts);
    }

    [Fact]
    public async Task Execute_AfterFiring_GroupStartsAfresh()
    {
        var ports = await PortsAsync(Rule(ordered: false),
            Risky("u-1", 0), Forwarding("u-1", 1), Download("u-1", 2), Download("u-1", 3));

        Assert.Equal(["false", "false", "true", "false"], ports);
    }
}
