using System.Text.Json.Nodes;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.Ports;
using Respond.Workflows.Tests.Runtime;

namespace Respond.Workflows.Tests.Activities.Actions;

public sealed class ResponseActionBlockTests
{
    private static JsonObject Definition(string actionType, string actionConfig = "{}") => (JsonObject)JsonNode.Parse($$"""
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["network.connection"] } },
            { "id": "act", "type": "{{actionType}}", "config": {{actionConfig}} },
            { "id": "done", "type": "alert.create", "config": { "title": "Done", "severity": "LOW" } },
            { "id": "failedNote", "type": "alert.create", "config": { "title": "Failed", "severity": "LOW" } }
          ],
          "edges": [
            { "from": "trigger", "to": "act" },
            { "from": "act", "to": "done", "port": "completed" },
            { "from": "act", "to": "failedNote", "port": "failed" }
          ]
        }
        """)!;

    private const string Fields = """
        { "device": { "id": "dev-9", "hostname": "ws-9" }, "user": { "id": "u-1" }, "src": { "ip": "10.1.2.3" },
          "dst": { "ip": "203.0.113.5" }, "process": { "pid": 4242 }, "file": { "path": "C:\\evil.exe", "sha256": "abc" } }
        """;

    [Theory]
    [InlineData("action.isolateDevice", "{}", "deviceId", "dev-9")]
    [InlineData("action.blockSignIn", "{}", "userId", "u-1")]
    [InlineData("action.blockIp", "{}", "ip", "10.1.2.3")]
    [InlineData("action.blockIp", """{ "target": { "ip": "dst.ip" } }""", "ip", "203.0.113.5")]
    [InlineData("action.killProcess", "{}", "processId", "4242")]
    [InlineData("action.quarantineFile", "{}", "filePath", "C:\\evil.exe")]
    [InlineData("action.quarantineFile", "{}", "fileSha256", "abc")]
    [InlineData("action.killProcess", "{}", "deviceId", "dev-9")]
    public async Task Execute_Automatic_DispatchesWithTargetFromEvent(string type, string config, string key, string value)
    {
        var harness = new RuntimeHarness();
        var rule = RuntimeHarness.Rule(Definition(type, config));

        var instance = await harness.StartAsync(rule, RuntimeHarness.Event(Fields, "network.connection"));

        var action = Assert.Single(harness.Actions.Dispatched);
        Assert.Equal(value, action.Target[key]);
        Assert.Equal(instance.Id, action.WorkflowInstanceId);
        Assert.Equal("completed", RuntimeHarness.Step(instance, "act").Port);
    }

    [Fact]
    public async Task Execute_IpActionWithoutSrcIp_FallsBackToDstIp()
    {
        var harness = new RuntimeHarness();

        await harness.StartAsync(RuntimeHarness.Rule(Definition("action.blockIp")),
            RuntimeHarness.Event("""{ "dst": { "ip": "203.0.113.5" } }""", "network.connection"));

        Assert.Equal("203.0.113.5", Assert.Single(harness.Actions.Dispatched).Target["ip"]);
    }

    [Fact]
    public async Task Execute_TargetMissingFromEvent_TakesFailedPortWithoutDispatch()
    {
        var harness = new RuntimeHarness();

        var instance = await harness.StartAsync(RuntimeHarness.Rule(Definition("action.isolateDevice")),
            RuntimeHarness.Event("{}", "network.connection"));

        Assert.Equal("failed", RuntimeHarness.Step(instance, "act").Port);
        Assert.Empty(harness.Actions.Dispatched);
    }

    [Fact]
    public async Task Execute_DispatcherFails_TakesFailedPort()
    {
        var harness = new RuntimeHarness(dispatch: _ => new DispatchResult(DispatchStatus.Failed, "a-1", "connector down"));

        var instance = await harness.StartAsync(RuntimeHarness.Rule(Definition("action.isolateDevice")),
            RuntimeHarness.Event(Fields, "network.connection"));

        Assert.Equal("failed", RuntimeHarness.Step(instance, "act").Port);
        Assert.Contains(instance.Path, step => step.NodeId == "failedNote");
    }

    [Fact]
    public async Task Execute_DispatchPending_SuspendsUntilActionResult()
    {
        var harness = new RuntimeHarness(dispatch: _ => new DispatchResult(DispatchStatus.Pending, "a-7", null));
        var started = await harness.StartAsync(RuntimeHarness.Rule(Definition("action.isolateDevice")),
            RuntimeHarness.Event(Fields, "network.connection"));

        var resumed = await harness.Engine.ResumeAsync(started.Id, "a-7", "completed", null, CancellationToken.None);

        Assert.Equal(new Bookmark("a-7", "act", Bookmark.Action, "a-7", null), started.Bookmark);
        Assert.Equal(InstanceStatus.Completed, resumed!.Status);
        Assert.Contains(resumed.Path, step => step.NodeId == "done");
    }

    [Fact]
    public async Task Execute_AlertOnlyRuleWithAction_NeverDispatches()
    {
        var harness = new RuntimeHarness();
        // The validator refuses this graph for ALERT_ONLY; compile it as AUTOMATIC to prove the runtime refuses too.
        var snapshot = RuntimeHarness.Snapshot(Definition("action.isolateDevice"), RuleOutcome.AlertOnly);
        Assert.False(CompiledRule.TryCompile(snapshot, out _, out _));
        Assert.True(CompiledRule.TryCompile(snapshot, RuleOutcome.Automatic, out var rule, out _));

        var instance = await harness.StartAsync(rule, RuntimeHarness.Event(Fields, "network.connection"));

        Assert.Empty(harness.Actions.Dispatched);
        var step = RuntimeHarness.Step(instance, "act");
        Assert.Null(step.Port);
        Assert.Contains("ALERT_ONLY", (string)step.Detail!["skipped"]!);
        Assert.Equal(InstanceStatus.Completed, instance.Status);
    }

    [Fact]
    public async Task Execute_ManualApprovalRuleWithoutApprovedGate_NeverDispatches()
    {
        var harness = new RuntimeHarness();
        var snapshot = RuntimeHarness.Snapshot(Definition("action.isolateDevice"), RuleOutcome.ManualApproval);
        Assert.True(CompiledRule.TryCompile(snapshot, RuleOutcome.Automatic, out var rule, out _));

        var instance = await harness.StartAsync(rule, RuntimeHarness.Event(Fields, "network.connection"));

        Assert.Empty(harness.Actions.Dispatched);
        Assert.Contains("MANUAL_APPROVAL", (string)RuntimeHarness.Step(instance, "act").Detail!["skipped"]!);
    }

    [Fact]
    public async Task Execute_RunScript_PassesScriptInParameters()
    {
        var harness = new RuntimeHarness();

        await harness.StartAsync(RuntimeHarness.Rule(Definition("action.runScript", """{ "script": "Log(\"hi\");" }""")),
            RuntimeHarness.Event(Fields, "network.connection"));

        Assert.Equal("Log(\"hi\");", (string)Assert.Single(harness.Actions.Dispatched).Parameters["script"]!);
    }
}
