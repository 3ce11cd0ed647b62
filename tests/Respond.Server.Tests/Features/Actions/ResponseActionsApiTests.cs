using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.Actions;

public abstract class ResponseActionsApiTests(TestDatabase database)
{
    [SkippableFact]
    public async Task Submit_NonDestructiveAction_QueuesExecutesAndVerifiesAfterTheDelay()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();

        var submitted = await api.SubmitAsync("responder-a", "KILL_PROCESS", new { deviceId = "dev-1", processId = 4242 });

        Assert.Empty(submitted.Errors("submitResponseAction"));
        Assert.Equal("QUEUED", submitted.Str("data.submitResponseAction.responseAction.status"));
        Assert.Null(submitted.At("data.submitResponseAction").AsObject()["approvalRequest"]);
        var id = submitted.Str("data.submitResponseAction.responseAction.id");
        var verified = await api.WaitForAsync(id, a => a.Str("verificationStatus") == "PASSED");
        Assert.Equal("COMPLETED", verified.Str("status"));
        Assert.Equal(["QUEUED", "EXECUTING", "COMPLETED"], verified.Statuses());
        Assert.Equal("responder-a", verified.Str("submittedBy"));
        Assert.Equal("MANUAL", verified.Str("source"));
    }

    [SkippableFact]
    public async Task Verification_EffectGone_FailsAndRaisesAnAlert()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync(new { failVerification = true });

        var id = (await api.SubmitAsync("responder-a", "BLOCK_IP", new { deviceId = "dev-1", ip = "203.0.113.9" })).Str("data.submitResponseAction.responseAction.id");

        var action = await api.WaitForAsync(id, a => a.Str("verificationStatus") == "FAILED");
        Assert.Equal("COMPLETED", action.Str("status"));
        Assert.Contains("no longer in place", action.Str("verificationDetails"));
        var alerts = await api.GraphQLAsync("admin", "{ alerts(where: { ruleId: \"respond.verification\" }) { edges { node { title organizationId severity } } } }");
        var alert = Assert.Single(alerts.At("data.alerts.edges").AsArray());
        Assert.Contains("BLOCK_IP", alert!.Str("node.title"));
        Assert.Equal("org-a", alert!.Str("node.organizationId"));
    }

    [SkippableFact]
    public async Task DualControl_SubmitterIsAdmin_CannotApproveOwnAction_DifferentApproverCan()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();

        var submitted = await api.SubmitAsync("admin-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-7"));
        Assert.Equal("PENDING_APPROVAL", submitted.Str("data.submitResponseAction.responseAction.status"));
        Assert.Equal("admin-a", submitted.Str("data.submitResponseAction.approvalRequest.requestedBy"));
        var requestId = submitted.Str("data.submitResponseAction.approvalRequest.id");
        var actionId = submitted.Str("data.submitResponseAction.responseAction.id");

        var own = await api.DecideAsync("admin-a", requestId);
        Assert.Equal("DUAL_CONTROL", own.Errors("approveRequest")[0]!.Str("code"));
        Assert.Equal("PENDING_APPROVAL", (await api.ActionAsync(actionId))!.Str("status"));

        var other = await api.DecideAsync("approver-a", requestId);
        Assert.Empty(other.Errors("approveRequest"));
        var done = await api.WaitForStatusAsync(actionId, "COMPLETED");
        Assert.Equal(["PENDING_APPROVAL", "QUEUED", "EXECUTING", "COMPLETED"], done.Statuses());
        Assert.Equal("approver-a", done["timeline"]![1]!.Str("actor"));
    }

    [SkippableFact]
    public async Task DualControl_TwoApproversRacing_DecideOnceAndTheActionQueuesOnce()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        var submitted = await api.SubmitAsync("responder-a", "QUARANTINE_FILE", new { deviceId = "dev-1", filePath = "/tmp/evil.sh" });
        var requestId = submitted.Str("data.submitResponseAction.approvalRequest.id");
        var actionId = submitted.Str("data.submitResponseAction.responseAction.id");

        var decisions = await Task.WhenAll(
            api.DecideAsync("approver-a", requestId, approve: true),
            api.DecideAsync("approver", requestId, approve: false),
            api.DecideAsync("admin-a", requestId, approve: true));

        Assert.Equal(1, decisions.Count(d => d.At("data").AsObject().First().Value!["errors"]!.AsArray().Count == 0));
        var action = await api.WaitForAsync(actionId, a => a.Str("status") is "COMPLETED" or "CANCELLED");
        Assert.True(action.Statuses().Count(s => s is "QUEUED" or "CANCELLED") == 1, action.ToJsonString());
    }

    [SkippableFact]
    public async Task Reject_PendingAction_EndsCancelledAndNeverExecutes()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        var submitted = await api.SubmitAsync("responder-a", "RESET_USER_SESSION", new { userId = "alice@contoso.example" });

        var rejected = await api.DecideAsync("approver-a", submitted.Str("data.submitResponseAction.approvalRequest.id"), approve: false);

        Assert.Empty(rejected.Errors("rejectRequest"));
        var action = await api.ActionAsync(submitted.Str("data.submitResponseAction.responseAction.id"));
        Assert.Equal(["PENDING_APPROVAL", "CANCELLED"], action!.Statuses());
    }

    [SkippableFact]
    public async Task Cancel_QueuedOrPending_Works_ButAfterExecutionStartedIsRefused()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync(new { delayMs = 4000 });
        var pending = await api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-2"));
        var cancelPending = await api.GraphQLAsync("responder-a", "mutation($id: ID!) { cancelResponseAction(input: { id: $id, reason: \"false positive\" }) { responseAction { status } errors { code message } } }",
            new { id = pending.Str("data.submitResponseAction.responseAction.id") });
        Assert.Equal("CANCELLED", cancelPending.Str("data.cancelResponseAction.responseAction.status"));
        var requests = await api.GraphQLAsync("admin", "{ approvalRequests(where: { status: CANCELLED }) { edges { node { id } } } }");
        Assert.Single(requests.At("data.approvalRequests.edges").AsArray());

        var running = (await api.SubmitAsync("responder-a", "KILL_PROCESS", new { deviceId = "dev-1", processId = 77 })).Str("data.submitResponseAction.responseAction.id");
        await api.WaitForStatusAsync(running, "EXECUTING");
        var refused = await api.GraphQLAsync("responder-a", "mutation($id: ID!) { cancelResponseAction(input: { id: $id }) { responseAction { status } errors { code message } } }", new { id = running });

        Assert.Equal("INVALID_STATE", refused.Errors("cancelResponseAction")[0]!.Str("code"));
        Assert.Contains("already started", refused.Errors("cancelResponseAction")[0]!.Str("message"));
        Assert.Equal("COMPLETED", (await api.WaitForStatusAsync(running, "COMPLETED")).Str("status"));
    }

    [SkippableFact]
    public async Task Retry_TransientFailures_BackOffThenComplete_PermanentFailureStopsWithReason()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync(new { transientFailures = 2 });
        var id = (await api.SubmitAsync("responder-a", "BLOCK_IP", new { deviceId = "dev-1", ip = "198.51.100.0/24" })).Str("data.submitResponseAction.responseAction.id");

        var done = await api.WaitForStatusAsync(id, "COMPLETED");

        Assert.Equal(3, done["attempts"]!.GetValue<int>());
        Assert.Equal(["QUEUED", "EXECUTING", "QUEUED", "EXECUTING", "QUEUED", "EXECUTING", "COMPLETED"], done.Statuses());
        Assert.Contains("agent is offline", done["timeline"]![2]!.Str("reason"));

        await api.ConnectSimulatedAsync(settings: new { failActions = true });
        var failing = (await api.SubmitAsync("responder-a", "UNBLOCK_IP", new { deviceId = "dev-1", ip = "198.51.100.0/24" })).Str("data.submitResponseAction.responseAction.id");
        var failed = await api.WaitForStatusAsync(failing, "FAILED");
        Assert.Equal(1, failed["attempts"]!.GetValue<int>());
        Assert.Contains("permission denied", failed.Str("failureReason"));
    }

    [SkippableFact]
    public async Task QueuedAction_SurvivesHostRestart_AndExecutesAfterIt()
    {
        var first = ActionScenario.Host(database).With("Respond:Actions:RetryBaseDelay", "00:00:04");
        await first.ReadyAsync(new { transientFailures = 1 });
        var id = (await first.SubmitAsync("responder-a", "KILL_PROCESS", new { deviceId = "dev-1", processId = 999 })).Str("data.submitResponseAction.responseAction.id");
        await first.WaitForAsync(id, a => a.Str("status") == "QUEUED" && a["attempts"]!.GetValue<int>() == 1);
        // The retry's trigger is scheduled right after the QUEUED status commits (from inside the first attempt's job, whose
        // own fired trigger has nothing left to fire): stop the host only once the retry's is stored.
        var scheduler = await first.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler();
        await scheduler.WaitForPendingTriggerAsync(Respond.Server.Features.Actions.ActionScheduler.Key(Respond.Server.Features.Actions.ActionJobKind.Execute, id));
        await first.DisposeHostOnlyAsync();

        // The retry's job is a row in Respond's own database while the host is down.
        await using (var connection = await first.OpenDatabaseAsync())
        {
            using var command = connection.CreateCommand();
            // Unquoted: Quartz's PostgreSQL schema has lower-case names, which unquoted names fold to.
            command.CommandText = "SELECT COUNT(*) FROM QRTZ_TRIGGERS WHERE JOB_NAME = @id";
            var job = command.CreateParameter();
            job.ParameterName = "@id";
            job.Value = id;
            command.Parameters.Add(job);
            Assert.Equal(1L, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
        }

        await using var second = RespondApiFixture.On(first).With("Respond:Actions:VerificationDelay", "00:00:00.300");
        var done = await second.WaitForStatusAsync(id, "COMPLETED", seconds: 40);
        Assert.Equal(2, done["attempts"]!.GetValue<int>());
        await first.DisposeAsync();
    }

    [SkippableFact]
    public async Task Bulk_OneTargetFailing_OthersCompleteAndEachIsTrackedOnItsOwn()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync(new { failTargets = new[] { "dev-3" } });

        var bulk = await api.GraphQLAsync("responder-a", $$"""
            mutation($input: SubmitBulkResponseActionInput!) { submitBulkResponseAction(input: $input) {
              bulkGroupId responseActions { id target { deviceId } bulkGroupId } results { index responseAction { id } errors { code path } } errors { code } } }
            """, new { input = new { organizationId = "org-a", type = "COLLECT_FORENSICS", justification = "worm outbreak",
                targets = new object[] { new { deviceId = "dev-1" }, new { deviceId = "dev-2" }, new { deviceId = "dev-3" }, new { deviceId = "bad device" } } } });

        Assert.Empty(bulk.Errors("submitBulkResponseAction"));
        var group = bulk.Str("data.submitBulkResponseAction.bulkGroupId");
        var actions = bulk.At("data.submitBulkResponseAction.responseActions").AsArray();
        Assert.Equal(3, actions.Count);
        Assert.All(actions, a => Assert.Equal(group, a!.Str("bulkGroupId")));
        var refused = bulk.At("data.submitBulkResponseAction.results").AsArray()[3]!;
        Assert.Equal(["input", "targets", "3", "deviceId"], refused["errors"]![0]!["path"]!.AsArray().Select(p => p!.GetValue<string>()));

        var ends = new Dictionary<string, string>();
        foreach (var a in actions)
            ends[a!.Str("target.deviceId")] = (await api.WaitForAsync(a!.Str("id"), x => x.Str("status") is "COMPLETED" or "FAILED")).Str("status");
        Assert.Equal("COMPLETED", ends["dev-1"]);
        Assert.Equal("COMPLETED", ends["dev-2"]);
        Assert.Equal("FAILED", ends["dev-3"]);
        var listed = await api.GraphQLAsync("viewer-a", "query($g: ID!) { responseActions(where: { bulkGroupId: $g }) { totalCount } }", new { g = group });
        Assert.Equal(3, listed.At("data.responseActions.totalCount").GetValue<int>());
        var audit = await api.GraphQLAsync("admin", "query($id: ID!) { auditTrail(where: { actionId: $id }) { edges { node { action } } } }", new { id = actions[2]!.Str("id") });
        Assert.Contains("action.failed", audit.At("data.auditTrail.edges").AsArray().Select(e => e!.Str("node.action")));
    }

    [SkippableFact]
    public async Task OrgBPrincipals_CanNeitherSeeNorDecideNorCancelOrgAActions()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        var submitted = await api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-9"));
        var actionId = submitted.Str("data.submitResponseAction.responseAction.id");
        var requestId = submitted.Str("data.submitResponseAction.approvalRequest.id");

        Assert.Null(await api.ActionAsync(actionId, "viewer-b"));
        var list = await api.GraphQLAsync("viewer-b", "{ responseActions { totalCount } }");
        Assert.Equal(0, list.At("data.responseActions.totalCount").GetValue<int>());
        Assert.Equal("NOT_FOUND", (await api.DecideAsync("approver-b", requestId)).Errors("approveRequest")[0]!.Str("code"));
        var cancel = await api.GraphQLAsync("admin-b", "mutation($id: ID!) { cancelResponseAction(input: { id: $id }) { errors { code } } }", new { id = actionId });
        Assert.Equal("NOT_FOUND", cancel.Errors("cancelResponseAction")[0]!.Str("code"));
        var foreignSubmit = await api.SubmitAsync("admin-b", "KILL_PROCESS", new { deviceId = "dev-1", processId = 5 }, org: "org-a");
        Assert.Equal("NOT_FOUND", foreignSubmit.Errors("submitResponseAction")[0]!.Str("code"));
        Assert.Equal("PENDING_APPROVAL", (await api.ActionAsync(actionId))!.Str("status"));
    }

    [SkippableFact]
    public async Task NoHealthyConnection_SubmissionRefused_WhileRuleAlertsStillFlow()
    {
        await using var api = ActionScenario.Host(database);
        await api.TurnOnAsync();
        await api.ConnectSimulatedAsync(settings: new { simulateStatus = "BROKEN" }).ContinueWith(_ => { });

        var refused = await api.SubmitAsync("responder-a", "KILL_PROCESS", new { deviceId = "dev-1", processId = 31 });
        var error = refused.Errors("submitResponseAction")[0]!;
        Assert.Equal("NO_CONNECTION", error.Str("code"));
        Assert.Contains("SIMULATED BROKEN", error.Str("message"));

        await api.ActiveRuleAsync(AutomaticIsolateRule, outcome: "AUTOMATIC");
        var posted = await api.PostEventsAsync("ingestor-a", [DeviceEvent("e-1", "dev-1")]);
        Assert.Equal(1, posted["accepted"]!.GetValue<int>());
        var alerts = await api.GraphQLAsync("admin", "{ alerts { totalCount } responseActions { totalCount } }");
        Assert.Equal(1, alerts.At("data.alerts.totalCount").GetValue<int>());
        Assert.Equal(0, alerts.At("data.responseActions.totalCount").GetValue<int>());
    }

    [SkippableFact]
    public async Task Rollback_CompletedIsolation_EndsUnisolatedAndBothActionsLinked()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        var submitted = await api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-5"));
        await api.DecideAsync("approver-a", submitted.Str("data.submitResponseAction.approvalRequest.id"));
        var isolation = submitted.Str("data.submitResponseAction.responseAction.id");
        Assert.True((await api.WaitForStatusAsync(isolation, "COMPLETED"))["canRollBack"]!.GetValue<bool>());

        var rollback = await api.GraphQLAsync("responder-a", $$"""mutation($id: ID!) { rollbackResponseAction(input: { id: $id, justification: "false positive" }) { responseAction { {{ActionScenario.ActionFields}} } errors { code message } } }""",
            new { id = isolation });

        Assert.Empty(rollback.Errors("rollbackResponseAction"));
        var undo = rollback.At("data.rollbackResponseAction.responseAction");
        Assert.Equal("UNISOLATE_DEVICE", undo.Str("type"));
        Assert.Equal("ROLLBACK", undo.Str("source"));
        Assert.Equal(isolation, undo.Str("rollbackOf"));
        Assert.Equal("dev-5", undo.Str("target.deviceId"));
        Assert.Equal("COMPLETED", (await api.WaitForStatusAsync(undo.Str("id"), "COMPLETED")).Str("status"));
        var original = await api.ActionAsync(isolation);
        Assert.Equal(undo.Str("id"), original!.Str("rolledBackBy"));
        Assert.False(original!["canRollBack"]!.GetValue<bool>());
        var again = await api.GraphQLAsync("responder-a", "mutation($id: ID!) { rollbackResponseAction(input: { id: $id, justification: \"again\" }) { errors { code } } }", new { id = isolation });
        Assert.Equal("NOT_REVERSIBLE", again.Errors("rollbackResponseAction")[0]!.Str("code"));
    }

    [SkippableFact]
    public async Task Submit_InvalidTargets_RefusedNamingTheFieldAndNothingStored()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();

        var cases = new (string Type, object Target, string Field)[]
        {
            ("KILL_PROCESS", new { deviceId = "dev-1", processId = 1 }, "processId"),
            ("KILL_PROCESS", new { deviceId = "dev-1" }, "processId"),
            ("BLOCK_IP", new { deviceId = "dev-1", ip = "0.0.0.0/0" }, "ip"),
            ("BLOCK_IP", new { deviceId = "dev-1", ip = "10.0.0.1; rm -rf /" }, "ip"),
            ("BLOCK_SIGN_IN", new { userId = "../../users/admin" }, "userId"),
            ("QUARANTINE_FILE", new { deviceId = "dev-1", filePath = "relative/evil.exe" }, "filePath"),
            ("QUARANTINE_FILE", new { deviceId = "dev-1", filePath = "/tmp/../etc/passwd" }, "filePath"),
            ("ISOLATE_DEVICE", new { deviceId = "dev 1; shutdown" }, "deviceId"),
            ("ISOLATE_DEVICE", new { deviceId = "dev-1", userId = "bob" }, "userId"),
        };
        foreach (var (type, target, field) in cases)
        {
            var result = await api.SubmitAsync("responder-a", type, target);
            var error = result.Errors("submitResponseAction")[0]!;
            Assert.Equal("VALIDATION", error.Str("code"));
            Assert.Equal(["input", "target", field], error["path"]!.AsArray().Select(p => p!.GetValue<string>()));
        }
        var missingJustification = await api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-1"), justification: " ");
        Assert.Equal("justification", missingJustification.Errors("submitResponseAction")[0]!["path"]![1]!.GetValue<string>());
        var viewer = await api.SubmitAsync("viewer-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-1"));
        Assert.Equal("FORBIDDEN", viewer.At("errors")[0]!.Str("extensions.code"));
        Assert.Equal(0, (await api.GraphQLAsync("admin", "{ responseActions { totalCount } }")).At("data.responseActions.totalCount").GetValue<int>());
    }

    [SkippableFact]
    public async Task Subscription_ResponseActionUpdated_ShowsEachStatusInOrder_AndNothingToOtherTenants()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        await using var socket = await GraphQLWebSocketClient.ConnectAsync(api, "viewer-a");
        await socket.SubscribeAsync("s1", "subscription { responseActionUpdated(organizationId: \"org-a\") { id status } }");
        await using var other = await GraphQLWebSocketClient.ConnectAsync(api, "viewer-b");
        await other.SubscribeAsync("b", "subscription { responseActionUpdated { id status } }");

        var id = (await api.SubmitAsync("responder-a", "KILL_PROCESS", new { deviceId = "dev-1", processId = 4000 })).Str("data.submitResponseAction.responseAction.id");

        var seen = new List<string>();
        while (!seen.Contains("COMPLETED"))
        {
            var next = await socket.NextAsync("s1");
            if (next.Str("responseActionUpdated.id") == id) seen.Add(next.Str("responseActionUpdated.status"));
        }
        Assert.Equal(["QUEUED", "EXECUTING", "COMPLETED"], seen.Distinct());
        Assert.Null(await other.TryNextAsync("b", TimeSpan.FromSeconds(1)));
    }

    [SkippableFact]
    public async Task ActivityCatalog_ForAnOrganization_ReflectsWhatItsConnectionsCanDo()
    {
        await using var api = ActionScenario.Host(database);
        await api.TurnOnAsync();
        const string query = "{ activityCatalog(organizationId: \"org-a\") { id available unavailableReason } }";

        var before = (await api.GraphQLAsync("author-a", query)).At("data.activityCatalog").AsArray().ToDictionary(b => b!.Str("id"));
        await api.ConnectSimulatedAsync();
        var after = (await api.GraphQLAsync("author-a", query)).At("data.activityCatalog").AsArray().ToDictionary(b => b!.Str("id"));

        Assert.False(before["action.isolateDevice"]!["available"]!.GetValue<bool>());
        Assert.Contains("no connection", before["action.isolateDevice"]!.Str("unavailableReason"));
        Assert.True(before["alert.create"]!["available"]!.GetValue<bool>());
        Assert.True(before["action.runScript"]!["available"]!.GetValue<bool>());
        Assert.True(after["action.isolateDevice"]!["available"]!.GetValue<bool>());
    }

    [SkippableFact]
    public async Task RunScriptAction_Approved_RunsInTheSandboxAndRoutesWhatTheScriptRequests()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        const string script = """
            Log("remediating " + Event.Device.Id);
            RequestAction("BLOCK_IP", "203.0.113.50", "C2 address seen by the script");
            RequestAction("ISOLATE_DEVICE", Event.Device.Id, "script wants isolation");
            """;

        var submitted = await api.SubmitAsync("responder-a", "RUN_SCRIPT", ActionScenario.Device("dev-21"), parameters: new { script });
        Assert.Equal("PENDING_APPROVAL", submitted.Str("data.submitResponseAction.responseAction.status"));
        await api.DecideAsync("approver-a", submitted.Str("data.submitResponseAction.approvalRequest.id"));
        var run = await api.WaitForStatusAsync(submitted.Str("data.submitResponseAction.responseAction.id"), "COMPLETED");

        Assert.Contains("requested 2 action(s)", run.Str("result"));
        var children = (await api.GraphQLAsync("admin", $$"""{ responseActions(where: { source: SCRIPT }) { edges { node { {{ActionScenario.ActionFields}} } } } }"""))
            .At("data.responseActions.edges").AsArray().Select(e => e!["node"]!).ToDictionary(a => a.Str("type"));
        Assert.Equal("203.0.113.50", children["BLOCK_IP"].Str("target.ip"));
        Assert.Equal("dev-21", children["BLOCK_IP"].Str("target.deviceId"));
        Assert.Equal("COMPLETED", (await api.WaitForStatusAsync(children["BLOCK_IP"].Str("id"), "COMPLETED")).Str("status"));
        // Dual control reaches through the script: its destructive request waits, and its submitter may not approve it.
        Assert.Equal("PENDING_APPROVAL", children["ISOLATE_DEVICE"].Str("status"));
        Assert.Equal("responder-a", children["ISOLATE_DEVICE"].Str("submittedBy"));
    }

    internal const string AutomaticIsolateRule = """
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["malware.detected"] } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Malware on {{device.id}}", "severity": "HIGH" } },
            { "id": "isolate", "type": "action.isolateDevice", "config": {} }
          ],
          "edges": [ { "from": "trigger", "to": "alert" }, { "from": "alert", "to": "isolate" } ]
        }
        """;

    internal static object DeviceEvent(string id, string device, string type = "malware.detected", string severity = "HIGH", string user = "u-1", int? pid = null) => new
    {
        id,
        organizationId = "org-a",
        source = "edr",
        type,
        severity,
        time = DateTimeOffset.UtcNow.ToString("O"),
        user = new { id = user },
        device = new { id = device, hostname = device + ".corp" },
        process = pid is null ? null : new { pid, name = "evil.exe" },
    };

    public sealed class OnSqlite() : ResponseActionsApiTests(TestDatabase.Sqlite);

    public sealed class OnPostgreSql() : ResponseActionsApiTests(TestDatabase.PostgreSql);
}
