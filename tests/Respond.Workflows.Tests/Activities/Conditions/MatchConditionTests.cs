using System.Text.Json.Nodes;
using Respond.Workflows.Runtime;
using Respond.Workflows.Tests.Runtime;

namespace Respond.Workflows.Tests.Activities.Conditions;

public sealed class MatchConditionTests
{
    private const string Fields = """
        {
          "user": { "id": "u-1", "name": "Alice Admin", "email": "alice@contoso.com" },
          "src": { "ip": "203.0.113.7" },
          "dst": { "ip": "2001:db8:0:1::25" },
          "process": { "pid": 4242, "name": "MIMIKATZ.EXE", "commandLine": "powershell -enc SQBFAFgA" },
          "raw": { "riskLevel": "high", "roles": ["Reader", "Global Administrator"], "bytes": 5000000,
                   "seenAt": "2026-03-02T08:30:00Z", "mfa": false, "list": ["first", "second"], "nothing": null }
        }
        """;

    private static async Task<(string? Port, JsonObject Detail)> RunAsync(string condition, string fields = Fields)
    {
        var harness = new RuntimeHarness();
        var rule = RuntimeHarness.Rule(RuntimeHarness.Chain("condition.match", $$"""{ "all": [ {{condition}} ] }"""));

        var instance = await harness.StartAsync(rule, RuntimeHarness.Event(fields));

        var step = RuntimeHarness.Step(instance, "subject");
        return (step.Port, step.Detail!);
    }

    [Theory]
    [InlineData("""{ "field": "user.id", "op": "eq", "value": "u-1" }""", "true")]
    [InlineData("""{ "field": "user.name", "op": "eq", "value": "alice admin" }""", "true")]
    [InlineData("""{ "field": "user.id", "op": "eq", "value": "u-2" }""", "false")]
    [InlineData("""{ "field": "process.pid", "op": "eq", "value": 4242 }""", "true")]
    [InlineData("""{ "field": "process.pid", "op": "eq", "value": "4242" }""", "true")]
    [InlineData("""{ "field": "raw.mfa", "op": "eq", "value": false }""", "true")]
    [InlineData("""{ "field": "user.id", "op": "neq", "value": "u-2" }""", "true")]
    [InlineData("""{ "field": "user.id", "op": "neq", "value": "U-1" }""", "false")]
    [InlineData("""{ "field": "raw.riskLevel", "op": "in", "value": ["medium", "high"] }""", "true")]
    [InlineData("""{ "field": "raw.riskLevel", "op": "in", "value": ["low"] }""", "false")]
    [InlineData("""{ "field": "process.commandLine", "op": "contains", "value": "-ENC" }""", "true")]
    [InlineData("""{ "field": "process.commandLine", "op": "contains", "value": "bypass" }""", "false")]
    [InlineData("""{ "field": "raw.roles", "op": "contains", "value": "global administrator" }""", "true")]
    [InlineData("""{ "field": "raw.roles", "op": "contains", "value": "Administrator" }""", "false")]
    [InlineData("""{ "field": "user.email", "op": "startsWith", "value": "ALICE@" }""", "true")]
    [InlineData("""{ "field": "user.email", "op": "startsWith", "value": "bob@" }""", "false")]
    [InlineData("""{ "field": "process.commandLine", "op": "regex", "value": "-enc\\s+[A-Za-z0-9+/=]{8,}" }""", "true")]
    [InlineData("""{ "field": "process.name", "op": "regex", "value": "^mimikatz" }""", "false")]
    [InlineData("""{ "field": "process.name", "op": "regex", "value": "(?i)^mimikatz" }""", "true")]
    [InlineData("""{ "field": "raw.bytes", "op": "gt", "value": 1000000 }""", "true")]
    [InlineData("""{ "field": "raw.bytes", "op": "gt", "value": 5000000 }""", "false")]
    [InlineData("""{ "field": "raw.bytes", "op": "gte", "value": 5000000 }""", "true")]
    [InlineData("""{ "field": "raw.bytes", "op": "lt", "value": 5000000 }""", "false")]
    [InlineData("""{ "field": "raw.bytes", "op": "lte", "value": 5000000 }""", "true")]
    [InlineData("""{ "field": "raw.seenAt", "op": "gt", "value": "2026-03-02T08:00:00Z" }""", "true")]
    [InlineData("""{ "field": "raw.seenAt", "op": "lt", "value": "2026-03-02T09:30:00+01:00" }""", "false")]
    [InlineData("""{ "field": "raw.riskLevel", "op": "exists" }""", "true")]
    [InlineData("""{ "field": "raw.nothing", "op": "exists", "value": true }""", "false")]
    [InlineData("""{ "field": "raw.forwardTo", "op": "exists", "value": false }""", "true")]
    [InlineData("""{ "field": "src.ip", "op": "cidr", "value": "203.0.113.0/24" }""", "true")]
    [InlineData("""{ "field": "src.ip", "op": "cidr", "value": ["10.0.0.0/8", "192.168.0.0/16"] }""", "false")]
    [InlineData("""{ "field": "dst.ip", "op": "cidr", "value": "2001:db8::/32" }""", "true")]
    [InlineData("""{ "field": "dst.ip", "op": "cidr", "value": ["2001:db9::/32", "203.0.113.0/24"] }""", "false")]
    [InlineData("""{ "field": "raw.list.1", "op": "eq", "value": "second" }""", "true")]
    [InlineData("""{ "field": "raw.list[0]", "op": "eq", "value": "first" }""", "true")]
    [InlineData("""{ "field": "severity", "op": "in", "value": ["MEDIUM", "HIGH"] }""", "true")]
    [InlineData("""{ "field": "type", "op": "eq", "value": "signin.failed" }""", "true")]
    public async Task Execute_Operator_TakesExpectedPort(string condition, string port)
    {
        var (taken, _) = await RunAsync(condition);

        Assert.Equal(port, taken);
    }

    [Theory]
    [InlineData("eq")]
    [InlineData("contains")]
    [InlineData("gt")]
    [InlineData("cidr")]
    [InlineData("regex")]
    public async Task Execute_MissingField_TakesFalsePort(string op)
    {
        var value = op switch { "gt" => "1", "cidr" => "\"10.0.0.0/8\"", _ => "\"x\"" };

        var (port, _) = await RunAsync($$"""{ "field": "raw.absent", "op": "{{op}}", "value": {{value}} }""");

        Assert.Equal("false", port);
    }

    [Fact]
    public async Task Execute_IPv4MappedIPv6Address_MatchesIPv4Block()
    {
        var (port, _) = await RunAsync("""{ "field": "src.ip", "op": "cidr", "value": "203.0.113.0/24" }""",
            """{ "src": { "ip": "::ffff:203.0.113.9" } }""");

        Assert.Equal("true", port);
    }

    [Fact]
    public async Task Execute_CatastrophicRegex_FaultsTheRunNamingTheConditionInsteadOfNoMatch()
    {
        var harness = new RuntimeHarness();
        var rule = RuntimeHarness.Rule(RuntimeHarness.Chain("condition.match",
            """{ "all": [ { "field": "raw.text", "op": "regex", "value": "^(a|aa)+$" } ] }"""));

        var instance = await harness.StartAsync(rule, RuntimeHarness.Event($$"""{ "raw": { "text": "{{new string('a', 40)}}!" } }"""));

        Assert.Equal(InstanceStatus.Faulted, instance.Status);
        Assert.Contains("Node 'subject'", instance.Error);
        Assert.Contains("regex condition on raw.text", instance.Error);
        Assert.DoesNotContain(instance.Path, step => step.NodeId == "subject" && step.Port == "false");
    }

    [Fact]
    public async Task Execute_CorrelateSignalWithCatastrophicRegex_FaultsTheRun()
    {
        var harness = new RuntimeHarness();
        var rule = RuntimeHarness.Rule(RuntimeHarness.Chain("condition.correlate", """
            { "groupBy": ["user.id"], "window": "PT10M", "signals": [
              { "name": "slow", "all": [ { "field": "raw.text", "op": "regex", "value": "^(a|aa)+$" } ] },
              { "name": "other", "eventTypes": ["other"] } ] }
            """));

        var instance = await harness.StartAsync(rule, RuntimeHarness.Event($$"""{ "user": { "id": "u-1" }, "raw": { "text": "{{new string('a', 40)}}!" } }"""));

        Assert.Equal(InstanceStatus.Faulted, instance.Status);
        Assert.Contains("regex condition on raw.text", instance.Error);
    }

    [Fact]
    public async Task Execute_Condition_RecordsFieldOpExpectedActualAndResult()
    {
        var (_, detail) = await RunAsync("""{ "field": "raw.bytes", "op": "gt", "value": 1000 }""");

        var condition = detail["conditions"]![0]!;
        Assert.Equal("raw.bytes", (string)condition["field"]!);
        Assert.Equal("gt", (string)condition["op"]!);
        Assert.Equal(1000, (int)condition["expected"]!);
        Assert.Equal(5000000, (int)condition["actual"]!);
        Assert.True((bool)condition["result"]!);
    }

    [Fact]
    public async Task Execute_AllAndAny_NeedsEveryAllAndOneAny()
    {
        var harness = new RuntimeHarness();
        var rule = RuntimeHarness.Rule(RuntimeHarness.Chain("condition.match", """
            { "all": [ { "field": "user.id", "op": "eq", "value": "u-1" } ],
              "any": [ { "field": "raw.riskLevel", "op": "eq", "value": "low" }, { "field": "raw.mfa", "op": "eq", "value": false } ] }
            """));

        var hit = await harness.StartAsync(rule, RuntimeHarness.Event(Fields));
        var miss = await harness.StartAsync(rule, RuntimeHarness.Event("""{ "user": { "id": "u-1" }, "raw": { "riskLevel": "high", "mfa": true } }"""));

        Assert.Equal("true", RuntimeHarness.Step(hit, "subject").Port);
        Assert.Equal("false", RuntimeHarness.Step(miss, "subject").Port);
    }

    [Fact]
    public async Task Execute_FalseMatchWithoutDetailOption_TakesFalsePortWithoutDetail()
    {
        var harness = new RuntimeHarness(options: new WorkflowEngineOptions { DetailFalseMatches = false });
        var rule = RuntimeHarness.Rule(RuntimeHarness.Chain("condition.match", """{ "all": [ { "field": "user.id", "op": "eq", "value": "u-2" } ] }"""));

        var instance = await harness.StartAsync(rule, RuntimeHarness.Event(Fields));

        var step = RuntimeHarness.Step(instance, "subject");
        Assert.Equal("false", step.Port);
        Assert.Null(step.Detail);
    }

    [Fact]
    public async Task Execute_TrueMatchWithoutDetailOption_StillRecordsTheComparedValues()
    {
        var harness = new RuntimeHarness(options: new WorkflowEngineOptions { DetailFalseMatches = false });
        var rule = RuntimeHarness.Rule(RuntimeHarness.Chain("condition.match", """{ "all": [ { "field": "user.id", "op": "eq", "value": "u-1" } ] }"""));

        var instance = await harness.StartAsync(rule, RuntimeHarness.Event(Fields));

        var step = RuntimeHarness.Step(instance, "subject");
        Assert.Equal("true", step.Port);
        Assert.Contains("u-1", step.Detail!.ToJsonString());
    }

    [Fact]
    public async Task Execute_TrueMatchOfARunNotStored_BuildsTheDetailOnceWhenRead()
    {
        var harness = new RuntimeHarness(options: new WorkflowEngineOptions { DetailFalseMatches = false, PersistCompletedInstances = false });
        // The alert hangs off the false port: the match holds, the run ends there without effect, and it is not stored.
        var rule = RuntimeHarness.Rule(RuntimeHarness.Chain("condition.match", """{ "all": [ { "field": "user.id", "op": "eq", "value": "u-1" } ] }""", port: "false"));

        var instance = await harness.StartAsync(rule, RuntimeHarness.Event(Fields));

        // Live runs that pass a match mostly end without effect and are never stored: nothing is built until it is read.
        var step = RuntimeHarness.Step(instance, "subject");
        Assert.True(step.DetailPending);
        var detail = step.Detail!;
        Assert.False(step.DetailPending);
        Assert.Same(detail, step.Detail);
        var compared = detail["conditions"]!.AsArray().Single()!;
        Assert.Equal(("user.id", "eq", "u-1", true), ((string)compared["field"]!, (string)compared["op"]!, (string)compared["actual"]!, (bool)compared["result"]!));
    }
}
