using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Respond.Server.Features.Alerts;
using Respond.Server.Features.Engine;
using Respond.Workflows;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Tests.Features.Engine;

public abstract class RuleEngineApiTests(TestDatabase database)
{
    private RespondApiFixture Host(RecordingDispatcher? dispatcher = null) =>
        RespondApiFixture.For(database).WithServices(s => s.AddSingleton<IActionDispatcher>(dispatcher ?? new RecordingDispatcher()));

    private static async Task<JsonArray> AlertsAsync(RespondApiFixture api, string ruleId, string client = "admin") =>
        (await api.GraphQLAsync(client, "query($r: ID) { alerts(where: { ruleId: $r }) { edges { node { id title count severity groupKey why eventIds } } } }", new { r = ruleId }))
            .At("data.alerts.edges").AsArray();

    [SkippableFact]
    public async Task Ingest_FiveFailuresForOneUser_RaisesOneAlertExplainingWhy()
    {
        await using var api = Host();
        await api.TurnOnAsync();
        var rule = await api.ActiveRuleAsync(EngineScenario.ThresholdRule);
        var start = DateTimeOffset.Parse("2026-11-23T10:00:00Z");

        await api.PostEventsAsync("ingestor-a", Enumerable.Range(0, 4).Select(i => EngineScenario.Event($"t-{i}", user: "alice", time: start.AddMinutes(i))));
        Assert.Empty(await AlertsAsync(api, rule));
        await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("t-4", user: "alice", time: start.AddMinutes(4))]);

        var alert = Assert.Single(await AlertsAsync(api, rule))!;
        Assert.Equal("Burst of failed sign-ins for User alice", alert.Str("node.title"));
        Assert.Equal("HIGH", alert.Str("node.severity"));
        Assert.Contains("burst", alert.At("node.why").ToJsonString());
    }

    [SkippableFact]
    public async Task Ingest_RespondTurnedOff_StoresEventsAndRunsNothing()
    {
        await using var api = Host();
        var rule = await api.ActiveRuleAsync(EngineScenario.MatchAlertRule);

        var result = await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("off-1", type: "process.started")]);

        Assert.Equal(1, result.At("accepted").GetValue<int>());
        Assert.Empty(await AlertsAsync(api, rule));
        var replay = await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("off-1", type: "process.started")]);
        Assert.Equal(1, replay.At("duplicates").GetValue<int>());
    }

    [SkippableFact]
    public async Task Ingest_HundredMatchesWithSuppression_OneAlertCountingThem()
    {
        await using var api = Host();
        await api.TurnOnAsync();
        var rule = await api.ActiveRuleAsync(EngineScenario.MatchAlertRule);

        await api.PostEventsAsync("ingestor-a", Enumerable.Range(0, 100).Select(i => EngineScenario.Event($"storm-{i}", type: "process.started")));

        var alert = Assert.Single(await AlertsAsync(api, rule))!;
        Assert.Equal(100, alert.At("node.count").GetValue<int>());
    }

    [SkippableFact]
    public async Task Ingest_MatchesPastTheKeptEventIds_KeepCountingThroughAcknowledgement_AndAClosedAlertAbsorbsNothing()
    {
        await using var api = Host();
        await api.TurnOnAsync();
        var rule = await api.ActiveRuleAsync(EngineScenario.MatchAlertRule);
        await api.PostEventsAsync("ingestor-a", Enumerable.Range(0, Alert.MaxMatchedEventIds).Select(i => EngineScenario.Event($"storm-{i}", type: "process.started")));
        var id = Assert.Single(await AlertsAsync(api, rule))!.Str("node.id");
        await api.GraphQLAsync("responder-a", "mutation($id: ID!) { acknowledgeAlert(input: { id: $id }) { errors { code } } }", new { id });

        // Its event ids are full: later matches only count, in later units of work, and keep the acknowledgement.
        await api.PostEventsAsync("ingestor-a", Enumerable.Range(0, 30).Select(i => EngineScenario.Event($"late-{i}", type: "process.started")));
        await api.PostEventsAsync("ingestor-a", Enumerable.Range(30, 20).Select(i => EngineScenario.Event($"late-{i}", type: "process.started")));
        var counted = (await api.GraphQLAsync("admin", "query($id: ID!) { alert(id: $id) { count status eventIds } }", new { id })).At("data.alert");
        Assert.Equal(Alert.MaxMatchedEventIds + 50, counted.At("count").GetValue<int>());
        Assert.Equal("ACKNOWLEDGED", counted.Str("status"));
        Assert.Equal(Enumerable.Range(0, Alert.MaxMatchedEventIds).Select(i => $"storm-{i}"), counted.At("eventIds").AsArray().Select(e => e!.GetValue<string>()));

        await api.GraphQLAsync("responder-a", "mutation($id: ID!) { closeAlert(input: { id: $id }) { errors { code } } }", new { id });
        await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("after-close", type: "process.started")]);

        var alerts = await AlertsAsync(api, rule);
        Assert.Equal(2, alerts.Count);
        Assert.Equal(Alert.MaxMatchedEventIds + 50, alerts.Single(a => a!.Str("node.id") == id)!.At("node.count").GetValue<int>());
        Assert.Equal(["after-close"], alerts.Single(a => a!.Str("node.id") != id)!.At("node.eventIds").AsArray().Select(e => e!.GetValue<string>()));
    }

    [SkippableFact]
    public async Task Ingest_AlertStillKeepingEventIds_GrowsItsListAcrossUnits_ThroughAcknowledgement_AndAClosedAlertAbsorbsNothing()
    {
        await using var api = Host();
        await api.TurnOnAsync();
        var rule = await api.ActiveRuleAsync(EngineScenario.MatchAlertRule);
        await api.PostEventsAsync("ingestor-a", Enumerable.Range(0, 3).Select(i => EngineScenario.Event($"storm-{i}", type: "process.started")));
        var id = Assert.Single(await AlertsAsync(api, rule))!.Str("node.id");
        await api.GraphQLAsync("responder-a", "mutation($id: ID!) { acknowledgeAlert(input: { id: $id }) { errors { code } } }", new { id });

        // The partition remembers the alert as it committed it; the acknowledgement changed the row since, and the later
        // units still add to the stored list without undoing it.
        await api.PostEventsAsync("ingestor-a", Enumerable.Range(0, 2).Select(i => EngineScenario.Event($"late-{i}", type: "process.started")));
        await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("late-2", type: "process.started")]);
        var counted = (await api.GraphQLAsync("admin", "query($id: ID!) { alert(id: $id) { count status eventIds } }", new { id })).At("data.alert");
        Assert.Equal(6, counted.At("count").GetValue<int>());
        Assert.Equal("ACKNOWLEDGED", counted.Str("status"));
        Assert.Equal(["storm-0", "storm-1", "storm-2", "late-0", "late-1", "late-2"], counted.At("eventIds").AsArray().Select(e => e!.GetValue<string>()));

        await api.GraphQLAsync("responder-a", "mutation($id: ID!) { closeAlert(input: { id: $id }) { errors { code } } }", new { id });
        await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("after-close", type: "process.started")]);

        var alerts = await AlertsAsync(api, rule);
        Assert.Equal(2, alerts.Count);
        Assert.Equal(6, alerts.Single(a => a!.Str("node.id") == id)!.At("node.count").GetValue<int>());
        Assert.Equal(["after-close"], alerts.Single(a => a!.Str("node.id") != id)!.At("node.eventIds").AsArray().Select(e => e!.GetValue<string>()));
    }

    [SkippableFact]
    public async Task Ingest_SuppressedRuleOfEveryOrganization_NeverCountsOneTenantOnAnothersAlert()
    {
        await using var api = Host();
        await api.TurnOnAsync();
        var created = await api.GraphQLAsync("admin", "mutation($d: JSON!) { createRule(input: { name: \"all orgs\", outcome: ALERT_ONLY, definition: $d }) { rule { id } } }",
            new { d = JsonDocument.Parse(EngineScenario.MatchAlertRule).RootElement });
        var rule = created.Str("data.createRule.rule.id");
        await api.GraphQLAsync("admin", "mutation($id: ID!) { activateRule(input: { id: $id }) { errors { code } } }", new { id = rule });

        await api.PostEventsAsync("admin", [EngineScenario.Event("t-a", type: "process.started", org: "org-a"), EngineScenario.Event("t-b", type: "process.started", org: "org-b")]);

        var alerts = (await api.GraphQLAsync("admin", "query($r: ID) { alerts(where: { ruleId: $r }) { edges { node { organizationId count } } } }", new { r = rule }))
            .At("data.alerts.edges").AsArray();
        Assert.Equal(["org-a", "org-b"], alerts.Select(a => a!.Str("node.organizationId")).Order());
        Assert.All(alerts, a => Assert.Equal(1, a!.At("node.count").GetValue<int>()));
    }

    [SkippableFact]
    public async Task AcknowledgeThenClose_Alert_MovesThroughStatusesAndRefusesReopen()
    {
        await using var api = Host();
        await api.TurnOnAsync();
        var rule = await api.ActiveRuleAsync(EngineScenario.MatchAlertRule);
        await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("ack-1", type: "process.started")]);
        var id = (await AlertsAsync(api, rule))[0]!.Str("node.id");

        var ack = await api.GraphQLAsync("responder-a", "mutation($id: ID!) { acknowledgeAlert(input: { id: $id, comment: \"looking\" }) { alert { status } errors { code } } }", new { id });
        var close = await api.GraphQLAsync("responder-a", "mutation($id: ID!) { closeAlert(input: { id: $id }) { alert { status } errors { code } } }", new { id });
        var again = await api.GraphQLAsync("responder-a", "mutation($id: ID!) { acknowledgeAlert(input: { id: $id }) { alert { status } errors { code } } }", new { id });

        Assert.Equal("ACKNOWLEDGED", ack.Str("data.acknowledgeAlert.alert.status"));
        Assert.Equal("CLOSED", close.Str("data.closeAlert.alert.status"));
        Assert.Equal("INVALID_STATE", again.Errors("acknowledgeAlert").Single()!.Str("code"));
    }

    [SkippableFact]
    public async Task Alerts_ClientOfOrgB_SeesNoneOfOrgA()
    {
        await using var api = Host();
        await api.TurnOnAsync();
        var rule = await api.ActiveRuleAsync(EngineScenario.MatchAlertRule);
        await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("vis-1", type: "process.started")]);

        Assert.Single(await AlertsAsync(api, rule));
        Assert.Empty(await AlertsAsync(api, rule, "viewer-b"));
    }

    [SkippableFact]
    public async Task AlertRaised_DeliveredToOrgASubscriberOnly()
    {
        await using var api = Host();
        await api.TurnOnAsync();
        await api.ActiveRuleAsync(EngineScenario.MatchAlertRule);
        await using var a = await SubscribedAsync(api, "viewer-a", "subscription { alertRaised(minSeverity: HIGH) { title organizationId } }");
        await using var b = await SubscribedAsync(api, "viewer-b", "subscription { alertRaised { title organizationId } }");
        // Subscribed after b: the event bus offers each alert to its subscribers in the order they subscribed, so once
        // this one has the alert, b has been offered it too.
        await using var witness = await SubscribedAsync(api, "viewer", "subscription { alertRaised { organizationId } }");

        await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("live-1", type: "process.started")]);

        Assert.Equal("org-a", (await a.NextAsync("1", 10)).Str("alertRaised.organizationId"));
        Assert.Equal("org-a", (await witness.NextAsync("1", 10)).Str("alertRaised.organizationId"));
        // Had b let the alert through, its `next` would be queued on b's socket ahead of the pong.
        Assert.Equal("pong", await b.PingAsync());
    }

    [SkippableFact]
    public async Task ApprovalGate_Approved_ResumesOnApprovedAndDispatchesAction()
    {
        var dispatcher = new RecordingDispatcher();
        await using var api = Host(dispatcher);
        await api.TurnOnAsync();
        await api.ActiveRuleAsync(EngineScenario.ApprovalRule, outcome: "MANUAL_APPROVAL");
        await using var inbox = await SubscribedAsync(api, "approver-a", "subscription { approvalRequested { id proposedActions requestedBy } }");

        await api.PostEventsAsync("ingestor-a", [new { id = "mw-1", organizationId = "org-a", source = "edr", type = "malware.detected", severity = "CRITICAL", time = "2026-11-23T10:00:00Z", device = new { id = "dev-42" } }]);
        var requested = await inbox.NextAsync("1", 10);
        var requestId = requested.Str("approvalRequested.id");
        Assert.Equal("engine", requested.Str("approvalRequested.requestedBy"));
        Assert.Contains("dev-42", requested.At("approvalRequested.proposedActions").ToJsonString());
        Assert.Empty(dispatcher.Dispatched);

        var decided = await api.GraphQLAsync("approver-a", "mutation($id: ID!) { approveRequest(input: { id: $id, comment: \"confirmed\" }) { approvalRequest { status decidedBy } errors { code } } }", new { id = requestId });

        Assert.Equal("APPROVED", decided.Str("data.approveRequest.approvalRequest.status"));
        var action = Assert.Single(dispatcher.Dispatched);
        Assert.Equal(ResponseActionType.IsolateDevice, action.Type);
        Assert.Equal("dev-42", action.Target["deviceId"]);
    }

    [SkippableFact]
    public async Task ApprovalGate_Rejected_NoActionAndInstanceCompletes()
    {
        var dispatcher = new RecordingDispatcher();
        await using var api = Host(dispatcher);
        await api.TurnOnAsync();
        await api.ActiveRuleAsync(EngineScenario.ApprovalRule, outcome: "MANUAL_APPROVAL");
        await api.PostEventsAsync("ingestor-a", [new { id = "mw-2", organizationId = "org-a", source = "edr", type = "malware.detected", severity = "CRITICAL", time = "2026-11-23T10:00:00Z", device = new { id = "dev-7" } }]);
        var requestId = (await api.GraphQLAsync("approver", "{ approvalRequests(where: { status: PENDING }) { edges { node { id } } } }")).Str("data.approvalRequests.edges.0.node.id");

        var rejected = await api.GraphQLAsync("approver", "mutation($id: ID!) { rejectRequest(input: { id: $id }) { approvalRequest { status } errors { code } } }", new { id = requestId });

        Assert.Equal("REJECTED", rejected.Str("data.rejectRequest.approvalRequest.status"));
        Assert.Empty(dispatcher.Dispatched);
        var runs = await api.GraphQLAsync("admin", "{ ruleExecutions { edges { node { status path } } } }");
        Assert.Equal("COMPLETED", runs.Str("data.ruleExecutions.edges.0.node.status"));
        Assert.Contains("rejected", runs.At("data.ruleExecutions.edges.0.node.path").ToJsonString());
    }

    [SkippableFact]
    public async Task ApprovalGate_TimeoutPasses_QuartzJobExpiresRequestAndNoAction()
    {
        var dispatcher = new RecordingDispatcher();
        await using var api = Host(dispatcher);
        await api.TurnOnAsync();
        await api.ActiveRuleAsync(EngineScenario.ApprovalRule.Replace("PT30M", "PT1S"), outcome: "MANUAL_APPROVAL");

        await api.PostEventsAsync("ingestor-a", [new { id = "mw-3", organizationId = "org-a", source = "edr", type = "malware.detected", severity = "CRITICAL", time = "2026-11-23T10:00:00Z", device = new { id = "dev-9" } }]);
        // No trigger by hand: the Quartz job the gate scheduled fires on its own a second later.
        var expired = await WaitForAsync(api, "{ approvalRequests { edges { node { status } } } }", r => r.Str("data.approvalRequests.edges.0.node.status") == "EXPIRED");

        Assert.Equal("EXPIRED", expired.Str("data.approvalRequests.edges.0.node.status"));
        var run = await api.GraphQLAsync("admin", "{ ruleExecutions { edges { node { status path } } } }");
        Assert.Equal("COMPLETED", run.Str("data.ruleExecutions.edges.0.node.status"));
        Assert.Contains("expired", run.At("data.ruleExecutions.edges.0.node.path").ToJsonString());
        Assert.Empty(dispatcher.Dispatched);
    }

    [SkippableFact]
    public async Task ApprovalGate_TimerFiredEarly_ChangesNothing()
    {
        await using var api = Host();
        await api.TurnOnAsync();
        await api.ActiveRuleAsync(EngineScenario.ApprovalRule, outcome: "MANUAL_APPROVAL");
        await api.PostEventsAsync("ingestor-a", [new { id = "mw-8", organizationId = "org-a", source = "edr", type = "malware.detected", severity = "CRITICAL", time = "2026-11-23T10:00:00Z", device = new { id = "dev-8" } }]);
        var run = (await api.GraphQLAsync("admin", "{ ruleExecutions(where: { status: \"SUSPENDED\" }) { edges { node { id bookmark } } } }")).At("data.ruleExecutions.edges.0.node");

        var scheduler = await api.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await scheduler.RunNowAsync(QuartzResumeScheduler.Key(run.Str("id"), run.Str("bookmark.id")));

        var status = await api.GraphQLAsync("admin", "{ approvalRequests { edges { node { status } } } }");
        Assert.Equal("PENDING", status.Str("data.approvalRequests.edges.0.node.status"));
    }

    [SkippableFact]
    public async Task ApproveRequest_OtherTenantsApproverOrViewer_RefusedAndStillPending()
    {
        await using var api = Host();
        await api.TurnOnAsync();
        await api.ActiveRuleAsync(EngineScenario.ApprovalRule, outcome: "MANUAL_APPROVAL");
        await api.PostEventsAsync("ingestor-a", [new { id = "mw-4", organizationId = "org-a", source = "edr", type = "malware.detected", severity = "CRITICAL", time = "2026-11-23T10:00:00Z", device = new { id = "dev-1" } }]);
        var requestId = (await api.GraphQLAsync("approver", "{ approvalRequests { edges { node { id } } } }")).Str("data.approvalRequests.edges.0.node.id");

        var otherTenant = await api.GraphQLAsync("approver-b", "mutation($id: ID!) { approveRequest(input: { id: $id }) { errors { code } } }", new { id = requestId });
        var viewer = await api.GraphQLAsync("viewer-a", "mutation($id: ID!) { approveRequest(input: { id: $id }) { errors { code } } }", new { id = requestId });

        Assert.Equal("NOT_FOUND", otherTenant.Errors("approveRequest").Single()!.Str("code"));
        Assert.Equal("FORBIDDEN", viewer.Str("errors.0.extensions.code"));
        var status = await api.GraphQLAsync("approver", "{ approvalRequests { edges { node { status } } } }");
        Assert.Equal("PENDING", status.Str("data.approvalRequests.edges.0.node.status"));
    }

    [SkippableFact]
    public async Task ApproveRequest_TwoApproversRacing_ExactlyOneDecision()
    {
        var dispatcher = new RecordingDispatcher();
        await using var api = Host(dispatcher);
        await api.TurnOnAsync();
        await api.ActiveRuleAsync(EngineScenario.ApprovalRule, outcome: "MANUAL_APPROVAL");
        await api.PostEventsAsync("ingestor-a", [new { id = "mw-5", organizationId = "org-a", source = "edr", type = "malware.detected", severity = "CRITICAL", time = "2026-11-23T10:00:00Z", device = new { id = "dev-5" } }]);
        var requestId = (await api.GraphQLAsync("approver", "{ approvalRequests { edges { node { id } } } }")).Str("data.approvalRequests.edges.0.node.id");
        const string approve = "mutation($id: ID!) { approveRequest(input: { id: $id }) { approvalRequest { status } errors { code } } }";
        const string reject = "mutation($id: ID!) { rejectRequest(input: { id: $id }) { approvalRequest { status } errors { code } } }";
        await api.TokenAsync("approver");
        await api.TokenAsync("approver-a");

        var results = await Task.WhenAll(
            api.GraphQLAsync("approver", approve, new { id = requestId }),
            api.GraphQLAsync("approver-a", reject, new { id = requestId }));

        var decisions = results.Count(r => r.At("data").AsObject().First().Value!["errors"]!.AsArray().Count == 0);
        Assert.Equal(1, decisions);
        Assert.True(dispatcher.Dispatched.Count <= 1);
        var audit = await api.GraphQLAsync("admin", "query($id: String) { auditTrail(where: { subjectId: $id }) { totalCount } }", new { id = requestId });
        Assert.Equal(1, audit.At("data.auditTrail.totalCount").GetValue<int>());
    }

    [SkippableFact]
    public async Task SuspendedInstance_SurvivesHostRestart_ThenResumesOnApproval()
    {
        var first = Host();
        await first.TurnOnAsync();
        await first.ActiveRuleAsync(EngineScenario.ApprovalRule, outcome: "MANUAL_APPROVAL");
        await first.PostEventsAsync("ingestor-a", [new { id = "mw-6", organizationId = "org-a", source = "edr", type = "malware.detected", severity = "CRITICAL", time = "2026-11-23T10:00:00Z", device = new { id = "dev-restart" } }]);
        var requestId = (await first.GraphQLAsync("approver", "{ approvalRequests { edges { node { id } } } }")).Str("data.approvalRequests.edges.0.node.id");
        await first.DisposeHostOnlyAsync();

        var dispatcher = new RecordingDispatcher();
        await using var second = RespondApiFixture.On(first).WithServices(s => s.AddSingleton<IActionDispatcher>(dispatcher));
        var decided = await second.GraphQLAsync("approver", "mutation($id: ID!) { approveRequest(input: { id: $id }) { approvalRequest { status } errors { code } } }", new { id = requestId });

        Assert.Equal("APPROVED", decided.Str("data.approveRequest.approvalRequest.status"));
        Assert.Equal("dev-restart", Assert.Single(dispatcher.Dispatched).Target["deviceId"]);
    }

    [SkippableFact]
    public async Task ThresholdCounts_SurviveHostRestart()
    {
        var first = Host();
        await first.TurnOnAsync();
        var rule = await first.ActiveRuleAsync(EngineScenario.ThresholdRule);
        var start = DateTimeOffset.Parse("2026-11-23T10:00:00Z");
        await first.PostEventsAsync("ingestor-a", Enumerable.Range(0, 3).Select(i => EngineScenario.Event($"r-{i}", user: "bob", time: start.AddMinutes(i))));
        await first.DisposeHostOnlyAsync();

        await using var second = RespondApiFixture.On(first);
        await second.PostEventsAsync("ingestor-a", Enumerable.Range(3, 2).Select(i => EngineScenario.Event($"r-{i}", user: "bob", time: start.AddMinutes(i))));

        Assert.Single(await AlertsAsync(second, rule));
    }

    [SkippableFact]
    public async Task ThresholdCounts_ProcessStopsBetweenWindowSnapshots_RebuiltFromTheLog()
    {
        // The first batch writes a snapshot (a partition's first unit always does); with an hour between snapshots the
        // second batch's counts live only in memory when the host stops, so only the replay can bring them back.
        var first = Host().With("Respond:Engine:WindowSnapshotInterval", "01:00:00");
        await first.TurnOnAsync();
        var rule = await first.ActiveRuleAsync(EngineScenario.ThresholdRule);
        var start = DateTimeOffset.Parse("2026-11-23T10:00:00Z");
        object Event(int i) => EngineScenario.Event($"s-{i}", user: "bob", time: start.AddMinutes(i));
        await first.PostEventsAsync("ingestor-a", [Event(0)]);
        await first.PostEventsAsync("ingestor-a", [Event(1), Event(2), Event(3)]);
        await using (var scope = first.Services.CreateAsyncScope())
        {
            var windows = await WindowSnapshot.ReadAsync(scope.ServiceProvider.GetRequiredService<Respond.Server.Persistence.RespondDbContext>(), "org-a", default);
            var stored = Assert.Single(windows, w => w.Key.RuleId == rule).Value.Select(e => e.EventId).ToList();
            Assert.Contains("s-0", stored);
            Assert.DoesNotContain("s-3", stored);
        }
        await first.DisposeHostOnlyAsync();

        await using var second = RespondApiFixture.On(first).With("Respond:Engine:WindowSnapshotInterval", "01:00:00");
        await second.PostEventsAsync("ingestor-a", [Event(4)]);

        var alert = Assert.Single(await AlertsAsync(second, rule));
        Assert.Equal(["s-0", "s-1", "s-2", "s-3", "s-4"], alert!["node"]!["eventIds"]!.AsArray().Select(id => (string)id!).Order());
    }

    private static Task<JsonObject> WaitForAsync(RespondApiFixture api, string query, Func<JsonObject, bool> done) =>
        api.UntilAsync(() => api.GraphQLAsync("admin", query), result =>
        {
            try
            {
                return done(result);
            }
            catch (Xunit.Sdk.XunitException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), last => $"Timed out waiting for {query}; last seen: {last.ToJsonString()}");

    /// <summary>A socket with <paramref name="query"/> subscribed as "1", returned once the server has registered it.</summary>
    private static async Task<GraphQLWebSocketClient> SubscribedAsync(RespondApiFixture api, string client, string query)
    {
        var socket = await GraphQLWebSocketClient.ConnectAsync(api, client);
        await socket.SubscribeAsync("1", query);
        return socket;
    }

    public sealed class OnSqlite() : RuleEngineApiTests(TestDatabase.Sqlite);

    public sealed class OnPostgreSql() : RuleEngineApiTests(TestDatabase.PostgreSql);
}
