using Respond.Workflows.Runtime;
using Respond.Workflows.Tests.Runtime;

namespace Respond.Workflows.Tests.Activities.Alerts;

public sealed class CreateAlertTests
{
    private static CompiledRule Rule(string alertConfig) => RuntimeHarness.Rule(RuntimeHarness.Chain("condition.match",
        """{ "all": [ { "field": "raw.bytes", "op": "gt", "value": 100 } ] }""", alertConfig: alertConfig));

    [Fact]
    public async Task Execute_Title_RendersEventFieldsAndStoresAlertId()
    {
        var harness = new RuntimeHarness();
        var rule = Rule("""{ "title": "Exfiltration by {{user.name}} from {{device.hostname}}", "severity": "HIGH" }""");

        var instance = await harness.StartAsync(rule, RuntimeHarness.Event("""{ "user": { "name": "Alice" }, "raw": { "bytes": 500 } }"""));

        var alert = Assert.Single(harness.Alerts.Alerts);
        Assert.Equal("Exfiltration by Alice from ", alert.Request.Title);
        Assert.Equal(Severity.High, alert.Request.Severity);
        Assert.Equal(alert.AlertId, (string)instance.Variables["alertId"]!);
    }

    [Fact]
    public async Task Execute_HundredMatchesWithinSuppression_RaiseOneAlertCountingThem()
    {
        var harness = new RuntimeHarness();
        var rule = Rule("""{ "title": "Exfiltration by {{user.id}}", "severity": "HIGH", "suppressFor": "PT1H" }""");

        for (var i = 0; i < 100; i++)
        {
            await harness.StartAsync(rule, RuntimeHarness.Event("""{ "user": { "id": "u-1" }, "raw": { "bytes": 500 } }""",
                time: RuntimeHarness.Start.AddSeconds(i * 30)));
        }

        var alert = Assert.Single(harness.Alerts.Alerts);
        Assert.Equal(100, alert.Count);
        Assert.Equal(99, harness.Alerts.Raised.Count(r => r.Outcome.Suppressed));
    }

    [Fact]
    public async Task Execute_MatchAfterSuppressionWindow_RaisesNewAlert()
    {
        var harness = new RuntimeHarness();
        var rule = Rule("""{ "title": "Exfiltration by {{user.id}}", "severity": "HIGH", "suppressFor": "PT1H" }""");
        var fields = """{ "user": { "id": "u-1" }, "raw": { "bytes": 500 } }""";

        await harness.StartAsync(rule, RuntimeHarness.Event(fields, time: RuntimeHarness.Start));
        await harness.StartAsync(rule, RuntimeHarness.Event(fields, time: RuntimeHarness.Start.AddMinutes(61)));

        Assert.Equal(2, harness.Alerts.Alerts.Count);
    }

    [Fact]
    public async Task Execute_WithoutSuppressFor_EveryRunRaisesItsOwnAlert()
    {
        var harness = new RuntimeHarness();
        var rule = Rule("""{ "title": "Exfiltration by {{user.id}}", "severity": "HIGH" }""");

        for (var i = 0; i < 3; i++)
        {
            await harness.StartAsync(rule, RuntimeHarness.Event("""{ "user": { "id": "u-1" }, "raw": { "bytes": 500 } }"""));
        }

        Assert.Equal(3, harness.Alerts.Alerts.Count);
    }

    [Fact]
    public async Task Execute_Why_NamesRuleVersionConditionsAndThresholdCrossed()
    {
        var harness = new RuntimeHarness();
        var rule = RuntimeHarness.Rule(RuleJson.Valid(), RuleOutcome.ManualApproval);
        for (var i = 0; i < 5; i++)
        {
            await harness.StartAsync(rule, RuntimeHarness.UserEvent("u-1", RuntimeHarness.Start.AddMinutes(i)));
        }

        var why = Assert.Single(harness.Alerts.Alerts).Request.Why;

        Assert.Equal("rule-1", (string)why["ruleId"]!);
        Assert.Equal(3, (int)why["ruleVersion"]!);
        Assert.Equal(rule.Snapshot.DefinitionHash, (string)why["definitionHash"]!);
        var threshold = Assert.Single(why["thresholds"]!.AsArray())!;
        Assert.Equal("burst", (string)threshold["nodeId"]!);
        Assert.Equal(5, (int)threshold["count"]!);
        Assert.Equal("PT10M", (string)threshold["window"]!);
        Assert.Equal(5, threshold["eventIds"]!.AsArray().Count);
        Assert.Equal("u-1", Assert.Single(harness.Alerts.Alerts).Request.GroupKey);
    }
}
