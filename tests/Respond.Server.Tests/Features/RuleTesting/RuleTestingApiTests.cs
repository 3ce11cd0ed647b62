using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Respond.Server.Features.Engine;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.RuleTesting;

public sealed class RuleTestingApiTests
{
    private const string TestRule = """
        mutation($d: JSON, $id: ID, $events: [EventInput!]!) {
          testRule(input: { ruleId: $id, definition: $d, outcome: ALERT_ONLY, events: $events }) {
            results { eventId triggered status path alerts actions approvalRequests error }
            errors { code message path }
          }
        }
        """;

    [Fact]
    public async Task TestRule_UnsavedDefinition_ShowsPathAndWouldBeAlertWithoutSideEffects()
    {
        await using var api = new RespondApiFixture();
        await api.TurnOnAsync();
        var start = DateTimeOffset.Parse("2026-11-23T10:00:00Z");
        var events = Enumerable.Range(0, 5).Select(i => EngineScenario.Event($"dry-{i}", user: "carol", time: start.AddMinutes(i))).ToArray();

        var response = await api.GraphQLAsync("author-a", TestRule, new { d = JsonDocument.Parse(EngineScenario.ThresholdRule).RootElement, events });

        var results = response.At("data.testRule.results").AsArray();
        Assert.Equal(5, results.Count);
        Assert.Contains("\"false\"", results[3]!.At("path").ToJsonString());
        Assert.Empty(results[3]!.At("alerts").AsArray());
        Assert.Contains("\"true\"", results[4]!.At("path").ToJsonString());
        Assert.Equal("Burst of failed sign-ins for User carol", results[4]!.Str("alerts.0.title"));
        var stored = await api.GraphQLAsync("admin", "{ alerts { totalCount } ruleExecutions { totalCount } }");
        Assert.Equal(0, stored.At("data.alerts.totalCount").GetValue<int>());
        Assert.Equal(0, stored.At("data.ruleExecutions.totalCount").GetValue<int>());
        var ingested = await api.PostEventsAsync("ingestor-a", [events[0]]);
        Assert.Equal(1, ingested.At("accepted").GetValue<int>());
    }

    [Fact]
    public async Task TestRule_EventTimeWithAnOffset_JudgedAndShownInUtc_AsLiveIngestionStoresTheRun()
    {
        await using var api = new RespondApiFixture();
        await api.TurnOnAsync();
        var definition = """
            { "schemaVersion": 1,
              "nodes": [
                { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.failed"] } },
                { "id": "hours", "type": "condition.activeHours", "config": { "timeZone": "UTC",
                  "windows": [ { "days": ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"], "from": "09:00", "to": "11:00" } ] } },
                { "id": "alert", "type": "alert.create", "config": { "title": "Inside hours", "severity": "LOW" } }
              ],
              "edges": [ { "from": "trigger", "to": "hours" }, { "from": "hours", "to": "alert", "port": "true" } ] }
            """;
        // 12:00 at +02:00 is 10:00 UTC: inside the window, and stored by the log as 10:00+00:00.
        var e = EngineScenario.Event("tz-1", time: DateTimeOffset.Parse("2026-11-23T12:00:00+02:00", System.Globalization.CultureInfo.InvariantCulture));

        var tested = await api.GraphQLAsync("author-a", TestRule, new { d = JsonDocument.Parse(definition).RootElement, events = new[] { e } });
        await api.ActiveRuleAsync(definition);
        await api.PostEventsAsync("ingestor-a", [e]);
        var live = await api.GraphQLAsync("admin", "{ ruleExecutions { edges { node { path } } } }");

        static string HoursJudgedAt(JsonNode path) => path.AsArray().Single(step => step!.Str("nodeId") == "hours")!.Str("detail.at");
        var liveAt = HoursJudgedAt(Assert.Single(live.At("data.ruleExecutions.edges").AsArray())!.At("node.path"));
        Assert.Equal("2026-11-23T10:00:00+00:00", liveAt);
        Assert.Equal(liveAt, HoursJudgedAt(tested.At("data.testRule.results.0.path")));
        Assert.Equal("Inside hours", tested.Str("data.testRule.results.0.alerts.0.title"));
    }

    [Fact]
    public async Task TestRule_ExpressionCondition_EvaluatedInTheSandbox()
    {
        await using var api = new RespondApiFixture();
        var definition = """
            { "schemaVersion": 1,
              "nodes": [
                { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.failed"] } },
                { "id": "who", "type": "condition.expression", "config": { "expression": "Event.User.Id == \"mallory\" && Event.Severity == \"MEDIUM\"" } },
                { "id": "alert", "type": "alert.create", "config": { "title": "Mallory again", "severity": "HIGH" } }
              ],
              "edges": [ { "from": "trigger", "to": "who" }, { "from": "who", "to": "alert", "port": "true" } ] }
            """;

        var response = await api.GraphQLAsync("author-a", TestRule, new
        {
            d = JsonDocument.Parse(definition).RootElement,
            events = new[] { EngineScenario.Event("x-1", user: "mallory"), EngineScenario.Event("x-2", user: "bob") },
        });

        var results = response.At("data.testRule.results").AsArray();
        Assert.Equal("Mallory again", results[0]!.Str("alerts.0.title"));
        Assert.Empty(results[1]!.At("alerts").AsArray());
        Assert.Null(results[1]!["error"]);
    }

    [Fact]
    public async Task TestRule_InvalidEvent_ErrorNamesIndexAndField()
    {
        await using var api = new RespondApiFixture();
        var bad = new { id = "x", organizationId = "org-a", source = "s", type = "signin.failed", severity = "LOW", time = "2026-11-23T10:00:00Z", src = new { ip = "not-an-ip" } };

        var response = await api.GraphQLAsync("author-a", TestRule, new { d = JsonDocument.Parse(EngineScenario.ThresholdRule).RootElement, events = new object[] { EngineScenario.Event("ok"), bad } });

        var error = response.Errors("testRule").Single()!;
        Assert.Equal("[\"input\",\"events\",\"1\",\"src\",\"ip\"]", error.At("path").ToJsonString());
    }

    [Fact]
    public async Task TestRule_InvalidDefinition_RefusedWithValidationMessage()
    {
        await using var api = new RespondApiFixture();

        var response = await api.GraphQLAsync("author-a", TestRule, new { d = JsonDocument.Parse("""{ "schemaVersion": 1, "nodes": [], "edges": [] }""").RootElement, events = new[] { EngineScenario.Event("e") } });

        Assert.Equal("INVALID_DEFINITION", response.Errors("testRule").Single()!.Str("code"));
    }

    [Fact]
    public async Task BacktestRule_StoredEvents_ReportsSameAlertsAsLiveIngestion()
    {
        await using var api = new RespondApiFixture();
        await api.TurnOnAsync();
        var rule = await api.ActiveRuleAsync(EngineScenario.ThresholdRule);
        var start = DateTimeOffset.Parse("2026-11-20T10:00:00Z");
        var users = new[] { "dave", "erin", "frank" };
        // dave fails 12 times (two alerts), erin 5 (one), frank 4 (none); spread over two days.
        var events = users.SelectMany((u, k) => Enumerable.Range(0, u switch { "dave" => 12, "erin" => 5, _ => 4 })
            .Select(i => (Time: start.AddDays(k == 2 ? 1 : 0).AddMinutes(i), User: u))).OrderBy(e => e.Time)
            .Select((e, i) => EngineScenario.Event($"bt-{i}", user: e.User, time: e.Time)).ToList();
        await api.PostEventsAsync("ingestor-a", events);
        var live = (await api.GraphQLAsync("admin", "query($r: ID) { alerts(where: { ruleId: $r }) { totalCount edges { node { groupKey } } } }", new { r = rule })).At("data.alerts");

        var backtest = await api.GraphQLAsync("author-a", """
            mutation($id: ID!) { backtestRule(input: { ruleId: $id, from: "2026-11-19T00:00:00Z", to: "2026-11-23T00:00:00Z" }) {
              backtest { id status processedEvents alertCount perDay topGroupKeys sampleMatches } errors { code message } } }
            """, new { id = rule });

        var report = backtest.At("data.backtestRule.backtest");
        Assert.Equal("COMPLETED", report.Str("status"));
        Assert.Equal(21, report.At("processedEvents").GetValue<int>());
        Assert.Equal(3, live.At("totalCount").GetValue<int>());
        Assert.Equal(live.At("totalCount").GetValue<int>(), report.At("alertCount").GetValue<int>());
        var liveKeys = live.At("edges").AsArray().Select(e => e!.Str("node.groupKey")).Order().ToList();
        var backtestKeys = report.At("sampleMatches").AsArray().Select(m => m!.Str("groupKey")).Order().ToList();
        Assert.Equal(liveKeys, backtestKeys);
        Assert.Equal(2, report.At("perDay").AsArray().Count);
        var ruleExecutions = await api.GraphQLAsync("admin", "{ alerts { totalCount } }");
        Assert.Equal(3, ruleExecutions.At("data.alerts.totalCount").GetValue<int>());
    }

    [Fact]
    public async Task BacktestRule_AsViewer_Forbidden()
    {
        await using var api = new RespondApiFixture();

        var response = await api.GraphQLAsync("viewer", """mutation { backtestRule(input: { definition: {}, from: "2026-11-19T00:00:00Z", to: "2026-11-20T00:00:00Z" }) { errors { code } } }""");

        Assert.Equal("FORBIDDEN", response.Str("errors.0.extensions.code"));
    }

    [Fact]
    public async Task ScheduledRule_Active_QuartzCronStartsInstancesAndPauseRemovesTheJob()
    {
        await using var api = new RespondApiFixture();
        await api.TurnOnAsync();
        var definition = """
            { "schemaVersion": 1,
              "nodes": [
                { "id": "tick", "type": "trigger.schedule", "config": { "cron": "0/1 * * * * ?", "timeZone": "Europe/Berlin" } },
                { "id": "alert", "type": "alert.create", "config": { "title": "Scheduled check", "severity": "LOW", "suppressFor": "PT1H" } }
              ],
              "edges": [ { "from": "tick", "to": "alert" } ] }
            """;
        var rule = await api.ActiveRuleAsync(definition);
        var scheduler = await api.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        Assert.True(await scheduler.Exists(new JobKey(rule, ScheduledRuleJob.Group)));

        var alert = await api.UntilAsync(
            async () => (await api.GraphQLAsync("admin", "query($r: ID) { alerts(where: { ruleId: $r }) { edges { node { title organizationId } } } }", new { r = rule }))
                .At("data.alerts.edges").AsArray().FirstOrDefault(),
            a => a is not null, TimeSpan.FromSeconds(10), _ => "The scheduled rule raised no alert.");
        Assert.NotNull(alert);
        Assert.Equal("org-a", alert.Str("node.organizationId"));

        await api.GraphQLAsync("admin", "mutation($id: ID!) { pauseRule(input: { id: $id }) { errors { code } } }", new { id = rule });
        Assert.False(await scheduler.Exists(new JobKey(rule, ScheduledRuleJob.Group)));
    }
}
