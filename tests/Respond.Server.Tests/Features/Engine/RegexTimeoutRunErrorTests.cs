namespace Respond.Server.Tests.Features.Engine;

/// <summary>
/// An event crafted to make a rule's regex backtrack past its limit does not slip by as "no match": the run is
/// FAULTED in ruleExecutions with the reason, and the rule's health says ERRORING.
/// </summary>
public sealed class RegexTimeoutRunErrorTests(RegexTimeoutRunErrorTests.RespondOn on) : IClassFixture<RegexTimeoutRunErrorTests.RespondOn>
{
    /// <summary>A host with Respond turned on once for the class.</summary>
    public sealed class RespondOn : IAsyncLifetime
    {
        public RespondApiFixture Api { get; } = new();

        public Task InitializeAsync() => Api.TurnOnAsync();

        public async Task DisposeAsync() => await Api.DisposeAsync();
    }

    private RespondApiFixture Api => on.Api;

    private const string RegexRule = """
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["process.started"] } },
            { "id": "match", "type": "condition.match", "config": { "all": [ { "field": "raw.text", "op": "regex", "value": "^(a|aa)+$" } ] } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Matched", "severity": "HIGH" } }
          ],
          "edges": [
            { "from": "trigger", "to": "match" },
            { "from": "match", "to": "alert", "port": "true" }
          ]
        }
        """;

    private static object Event(string id, string text) => new
    {
        id,
        organizationId = "org-a",
        source = "edr",
        type = "process.started",
        severity = "HIGH",
        time = "2026-11-23T10:00:00Z",
        raw = new { text },
    };

    private const string Health = "query($id: ID!) { rule(id: $id) { health { status erroredRuns lastError lastErrorAt } } }";

    [Fact]
    public async Task Ingest_EventMakingTheRegexTimeOut_RunFaultedInRuleExecutionsAndRuleErroring()
    {
        var rule = await Api.ActiveRuleAsync(RegexRule, name: "regex evasion");

        var ingested = await Api.PostEventsAsync("ingestor-a", [Event("regex-slow-1", new string('a', 40) + "!")]);

        Assert.Equal(1, ingested.At("accepted").GetValue<int>());
        var runs = (await Api.GraphQLAsync("viewer-a", "query($r: ID) { ruleExecutions(where: { ruleId: $r }) { edges { node { eventId status error } } } }", new { r = rule }))
            .At("data.ruleExecutions.edges").AsArray();
        var run = Assert.Single(runs)!;
        Assert.Equal("regex-slow-1", run.Str("node.eventId"));
        Assert.Equal("FAULTED", run.Str("node.status"));
        Assert.Contains("regex condition on raw.text", run.Str("node.error"));
        var health = (await Api.GraphQLAsync("viewer-a", Health, new { id = rule })).At("data.rule.health");
        Assert.Equal("ERRORING", health.Str("status"));
        Assert.Equal(1, health.At("erroredRuns").GetValue<int>());
        Assert.Contains("ran past its", health.Str("lastError"));
    }

    [Fact]
    public async Task Ingest_EventTheRegexDecidesInTime_RuleStaysHealthy()
    {
        var rule = await Api.ActiveRuleAsync(RegexRule, name: "regex fine");

        await Api.PostEventsAsync("ingestor-a", [Event("regex-fast-1", "aaaa"), Event("regex-fast-2", "nope")]);

        var health = (await Api.GraphQLAsync("viewer-a", Health, new { id = rule })).At("data.rule.health");
        Assert.Equal("HEALTHY", health.Str("status"));
        Assert.Equal(0, health.At("erroredRuns").GetValue<int>());
    }

    [Fact]
    public async Task Health_WorkspaceRuleFaultedOnOrgAEvent_OrgBReaderSeesNoErrorOfOrgA()
    {
        var created = await Api.GraphQLAsync("admin", "mutation($input: CreateRuleInput!) { createRule(input: $input) { rule { id } errors { code } } }",
            new { input = new { name = "regex everywhere", outcome = "ALERT_ONLY", organizationIds = Array.Empty<string>(), definition = System.Text.Json.JsonDocument.Parse(RegexRule).RootElement } });
        var rule = created.Str("data.createRule.rule.id");
        Assert.Empty((await Api.GraphQLAsync("admin", "mutation($id: ID!) { activateRule(input: { id: $id }) { errors { code } } }", new { id = rule })).Errors("activateRule"));
        await Api.PostEventsAsync("ingestor-a", [Event("regex-slow-2", new string('a', 40) + "!")]);

        var ownTenant = (await Api.GraphQLAsync("viewer-a", Health, new { id = rule })).At("data.rule.health");
        var otherTenant = (await Api.GraphQLAsync("viewer-b", Health, new { id = rule })).At("data.rule.health");

        Assert.Equal("ERRORING", ownTenant.Str("status"));
        Assert.Equal("HEALTHY", otherTenant.Str("status"));
        Assert.Null(otherTenant["lastError"]);
    }
}
