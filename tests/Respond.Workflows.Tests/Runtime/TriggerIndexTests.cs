using System.Text.Json.Nodes;
using Respond.Workflows.Runtime;

namespace Respond.Workflows.Tests.Runtime;

public sealed class TriggerIndexTests
{
    private static RuleSnapshot Rule(string id, string triggerConfig, IReadOnlyList<string>? organizations = null)
    {
        var definition = RuntimeHarness.Chain("condition.match", """{ "all": [ { "field": "user.id", "op": "exists" } ] }""");
        definition.Node("trigger")["config"] = JsonNode.Parse(triggerConfig);
        return RuntimeHarness.Snapshot(definition, RuleOutcome.AlertOnly, id, organizations);
    }

    private static readonly RuleSnapshot[] Rules =
    [
        Rule("failed", """{ "eventTypes": ["signin.failed"] }"""),
        Rule("failed-entra-high", """{ "eventTypes": ["signin.failed"], "sources": ["entra"], "minSeverity": "HIGH" }"""),
        Rule("failed-org-b", """{ "eventTypes": ["signin.failed"] }""", ["org-b"]),
        Rule("process", """{ "eventTypes": ["process.started"] }"""),
    ];

    private static IEnumerable<string> Ids(IReadOnlyList<CompiledRule> rules) => rules.Select(r => r.RuleId).Order();

    [Fact]
    public void Candidates_ByType_OnlyRulesOfThatType()
    {
        var index = new TriggerIndex(Rules);

        var candidates = index.Candidates(RuntimeHarness.Event(type: "process.started"));

        Assert.Equal(["process"], Ids(candidates));
    }

    [Fact]
    public void Candidates_UnknownType_None()
    {
        var index = new TriggerIndex(Rules);

        Assert.Empty(index.Candidates(RuntimeHarness.Event(type: "dns.query")));
    }

    [Fact]
    public void Candidates_OrganizationScope_ScopedRulesOnlyForTheirOrganizations()
    {
        var index = new TriggerIndex(Rules);

        var orgA = index.Candidates(RuntimeHarness.Event(organization: "org-a", severity: Severity.Low));
        var orgB = index.Candidates(RuntimeHarness.Event(organization: "org-b", severity: Severity.Low));

        Assert.Equal(["failed"], Ids(orgA));
        Assert.Equal(["failed", "failed-org-b"], Ids(orgB));
    }

    [Theory]
    [InlineData("entra", Severity.High, true)]
    [InlineData("ENTRA", Severity.Critical, true)]
    [InlineData("entra", Severity.Medium, false)]
    [InlineData("okta", Severity.Critical, false)]
    public void Candidates_SourceAndMinSeverity_Filter(string source, Severity severity, bool included)
    {
        var index = new TriggerIndex(Rules);

        var candidates = index.Candidates(RuntimeHarness.Event(source: source, severity: severity));

        Assert.Equal(included, candidates.Any(r => r.RuleId == "failed-entra-high"));
    }

    [Fact]
    public void Constructor_InvalidRule_IsRejectedNotIndexed()
    {
        var broken = RuntimeHarness.Snapshot((JsonObject)JsonNode.Parse("""{ "schemaVersion": 1, "nodes": [] }""")!, ruleId: "broken");

        var index = new TriggerIndex([.. Rules, broken]);

        Assert.Equal("broken", Assert.Single(index.Rejected).RuleId);
        Assert.Null(index.Find("broken"));
        Assert.Equal(4, index.Rules.Count);
    }

    [Fact]
    public void Replace_PausedRule_DisappearsAndUnchangedRulesKeepTheirCompiledForm()
    {
        var index = new TriggerIndex(Rules);
        var before = index.Find("failed");

        index.Replace(Rules.Where(r => r.RuleId != "process"));

        Assert.Empty(index.Candidates(RuntimeHarness.Event(type: "process.started")));
        Assert.Same(before, index.Find("failed"));
    }

    [Fact]
    public void CronTriggers_ScheduleRule_IsListedWithZone()
    {
        var definition = RuntimeHarness.Chain("condition.match", """{ "all": [ { "field": "type", "op": "eq", "value": "schedule.tick" } ] }""");
        definition.Node("trigger")["type"] = "trigger.schedule";
        definition.Node("trigger")["config"] = JsonNode.Parse("""{ "cron": "0 0 2 * * ?", "timeZone": "Europe/Berlin" }""");

        var index = new TriggerIndex([RuntimeHarness.Snapshot(definition, RuleOutcome.AlertOnly, "nightly")]);

        var cron = Assert.Single(index.CronTriggers);
        Assert.Equal(("nightly", "0 0 2 * * ?", "Europe/Berlin"), (cron.RuleId, cron.Cron, cron.TimeZone));
        Assert.Empty(index.Candidates(RuntimeHarness.Event(type: "schedule.tick")));
    }
}
