using System.Text.Json;
using System.Text.Json.Nodes;
using Respond.Server.Tests.Features.Actions;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.Rules;

/// <summary>
/// Change control for automation (issue 11, point 3): one person alone can no longer arm a rule that acts destructively
/// with nobody in the loop, nor decide the gates of a rule they armed or wrote.
/// </summary>
public abstract class RuleChangeControlTests(TestDatabase database)
{
    private const string RuleFields = "id status version runningVersion activatedBy activationApprovedBy pendingActivation { id kind status ruleVersion requestedBy ruleEditedBy ruleDiff }";

    private const string IsolateRule = ResponseActionsApiTests.AutomaticIsolateRule;

    private const string KillRule = """
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["malware.detected"] } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Malware on {{device.id}}", "severity": "HIGH" } },
            { "id": "kill", "type": "action.killProcess", "config": {} }
          ],
          "edges": [ { "from": "trigger", "to": "alert" }, { "from": "alert", "to": "kill" } ]
        }
        """;

    private const string ScriptRule = """
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["malware.detected"] } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Malware on {{device.id}}", "severity": "HIGH" } },
            { "id": "script", "type": "action.runScript", "config": { "script": "RequestAction(\"ISOLATE_DEVICE\", Event.Device.Id, \"contain\");" } }
          ],
          "edges": [ { "from": "trigger", "to": "alert" }, { "from": "alert", "to": "script" } ]
        }
        """;

    private static async Task<string> CreateAsync(RespondApiFixture api, string client, string definition, string outcome = "AUTOMATIC")
    {
        var created = await api.GraphQLAsync(client, "mutation($input: CreateRuleInput!) { createRule(input: $input) { rule { id isValid validationErrors { message } } errors { code message } } }",
            new { input = new { name = "contain malware", outcome, organizationIds = new[] { "org-a" }, definition = JsonDocument.Parse(definition).RootElement } });
        Assert.Empty(created.Errors("createRule"));
        Assert.True(created.At("data.createRule.rule.isValid").GetValue<bool>(), created.ToJsonString());
        return created.Str("data.createRule.rule.id");
    }

    private static Task<JsonObject> ActivateAsync(RespondApiFixture api, string client, string id) =>
        api.GraphQLAsync(client, $$"""mutation($id: ID!) { activateRule(input: { id: $id }) { rule { {{RuleFields}} } approvalRequest { id kind requestedBy ruleActivatedBy ruleEditedBy ruleDiff justification } errors { code message } } }""", new { id });

    private static Task<JsonObject> UpdateAsync(RespondApiFixture api, string client, string id, int expectedVersion, string definition) =>
        api.GraphQLAsync(client, $$"""mutation($input: UpdateRuleInput!) { updateRule(input: $input) { rule { {{RuleFields}} } approvalRequest { id ruleDiff } errors { code message } } }""",
            new { input = new { id, expectedVersion, definition = JsonDocument.Parse(definition).RootElement } });

    private static async Task<JsonNode> RuleAsync(RespondApiFixture api, string id) =>
        (await api.GraphQLAsync("admin", $$"""query($id: ID!) { rule(id: $id) { {{RuleFields}} } }""", new { id })).At("data.rule");

    private static async Task<List<JsonNode>> ActionsAsync(RespondApiFixture api) =>
        (await api.GraphQLAsync("admin", $$"""{ responseActions(first: 50) { edges { node { {{ActionScenario.ActionFields}} ruleVersion } } } }"""))
            .At("data.responseActions.edges").AsArray().Select(e => e!["node"]!).ToList();

    private static async Task<JsonArray> RefusalsAsync(RespondApiFixture api, string requestId) =>
        (await api.GraphQLAsync("admin", "query($id: String) { auditTrail(where: { subjectId: $id, action: \"authorization.refused\" }) { edges { node { actorId after } } } }", new { id = requestId }))
            .At("data.auditTrail.edges").AsArray();

    [SkippableFact]
    public async Task RuleAuthorActivatesAutomaticIsolateRule_StaysInactiveUntilASecondPrincipalApproves_ThenEventsIsolateWithoutPerEventApproval()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        var ruleId = await CreateAsync(api, "author-a", IsolateRule);

        var activated = await ActivateAsync(api, "author-a", ruleId);

        Assert.Empty(activated.Errors("activateRule"));
        Assert.Equal("DRAFT", activated.Str("data.activateRule.rule.status"));
        Assert.Null(activated.At("data.activateRule.rule")["runningVersion"]);
        var request = activated.At("data.activateRule.approvalRequest");
        Assert.Equal("RULE_ACTIVATION", request.Str("kind"));
        Assert.Equal("author-a", request.Str("requestedBy"));
        Assert.Contains("ISOLATE_DEVICE", request.Str("justification"));
        Assert.Contains("isolate", request.At("ruleDiff").ToJsonString());
        Assert.Equal(request.Str("id"), activated.Str("data.activateRule.rule.pendingActivation.id"));

        await api.PostEventsAsync("ingestor-a", [ResponseActionsApiTests.DeviceEvent("m-1", "dev-1")]);
        Assert.Empty(await ActionsAsync(api));

        var approved = await api.DecideAsync("approver-a", request.Str("id"));
        Assert.Empty(approved.Errors("approveRequest"));
        var rule = await RuleAsync(api, ruleId);
        Assert.Equal("ACTIVE", rule.Str("status"));
        Assert.Equal(rule.At("version").GetValue<int>(), rule.At("runningVersion").GetValue<int>());
        Assert.Equal("author-a", rule.Str("activatedBy"));
        Assert.Equal("approver-a", rule.Str("activationApprovedBy"));

        await api.PostEventsAsync("ingestor-a", [ResponseActionsApiTests.DeviceEvent("m-2", "dev-2")]);
        var action = Assert.Single(await ActionsAsync(api));
        Assert.Equal("ISOLATE_DEVICE", action.Str("type"));
        Assert.True(action["automatic"]!.GetValue<bool>());
        Assert.Null(action["approvalRequestId"]);
        Assert.Equal("COMPLETED", (await api.WaitForStatusAsync(action.Str("id"), "COMPLETED")).Str("status"));
    }

    [SkippableFact]
    public async Task ActivatorApprovesOwnActivation_RefusedAsDualControl_AuditedAndTheRuleStaysInactive()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        var ruleId = await CreateAsync(api, "admin-a", IsolateRule);
        var requestId = (await ActivateAsync(api, "admin-a", ruleId)).Str("data.activateRule.approvalRequest.id");

        var self = await api.DecideAsync("admin-a", requestId);

        Assert.Equal("DUAL_CONTROL", self.Errors("approveRequest").Single()!.Str("code"));
        Assert.Equal("DRAFT", (await RuleAsync(api, ruleId)).Str("status"));
        var refusal = Assert.Single(await RefusalsAsync(api, requestId));
        Assert.Equal("admin-a", refusal!.Str("node.actorId"));
        Assert.Contains("DUAL_CONTROL", refusal!.At("node.after").ToJsonString());
    }

    [SkippableFact]
    public async Task EditorApprovesActivationAskedBySomeoneElse_RefusedAsDualControl_ADifferentApproverArmsIt()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        var ruleId = await CreateAsync(api, "admin", IsolateRule);
        var activated = await ActivateAsync(api, "admin-a", ruleId);
        var requestId = activated.Str("data.activateRule.approvalRequest.id");
        Assert.Contains("admin", activated.At("data.activateRule.approvalRequest.ruleEditedBy").AsArray().Select(e => e!.GetValue<string>()));

        var byEditor = await api.DecideAsync("admin", requestId);
        var byApprover = await api.DecideAsync("approver-a", requestId);

        Assert.Equal("DUAL_CONTROL", byEditor.Errors("approveRequest").Single()!.Str("code"));
        Assert.Empty(byApprover.Errors("approveRequest"));
        Assert.Equal("ACTIVE", (await RuleAsync(api, ruleId)).Str("status"));
    }

    [SkippableFact]
    public async Task ApproverOfAnotherOrganization_CannotSeeOrDecideTheActivation()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        var ruleId = await CreateAsync(api, "author-a", IsolateRule);
        var requestId = (await ActivateAsync(api, "author-a", ruleId)).Str("data.activateRule.approvalRequest.id");

        var foreign = await api.DecideAsync("approver-b", requestId);

        Assert.Equal("NOT_FOUND", foreign.Errors("approveRequest").Single()!.Str("code"));
        Assert.Equal("DRAFT", (await RuleAsync(api, ruleId)).Str("status"));
    }

    [SkippableFact]
    public async Task ChangeWhileActive_ReopensChangeControl_PreviousVersionKeepsRunningUntilApproved()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        var ruleId = await api.ActiveRuleAsync(IsolateRule, outcome: "AUTOMATIC");
        var approvedVersion = (await RuleAsync(api, ruleId)).At("version").GetValue<int>();
        var changed = IsolateRule.Replace("\"HIGH\"", "\"CRITICAL\"").Replace("Malware on", "Contained malware on");

        var updated = await UpdateAsync(api, "admin", ruleId, approvedVersion, changed);

        Assert.Empty(updated.Errors("updateRule"));
        var rule = updated.At("data.updateRule.rule");
        Assert.Equal("ACTIVE", rule.Str("status"));
        Assert.Equal(approvedVersion, rule.At("runningVersion").GetValue<int>());
        Assert.Equal(approvedVersion + 1, rule.At("version").GetValue<int>());
        var diff = updated.At("data.updateRule.approvalRequest.ruleDiff");
        Assert.Equal(approvedVersion, diff.At("runningVersion").GetValue<int>());
        Assert.Equal("alert", diff.At("nodes.0.nodeId").GetValue<string>());
        Assert.Equal("changed", diff.At("nodes.0.change").GetValue<string>());

        await api.PostEventsAsync("ingestor-a", [ResponseActionsApiTests.DeviceEvent("m-3", "dev-3")]);
        var alerts = await api.GraphQLAsync("admin", "{ alerts { edges { node { title ruleVersion severity } } } }");
        var alert = alerts.At("data.alerts.edges.0.node");
        Assert.Equal("Malware on dev-3", alert.Str("title"));
        Assert.Equal(approvedVersion, alert.At("ruleVersion").GetValue<int>());
        Assert.Equal(approvedVersion, Assert.Single(await ActionsAsync(api)).At("ruleVersion").GetValue<int>());

        await api.ApproveActivationAsync(updated.Str("data.updateRule.approvalRequest.id"));
        var armed = await RuleAsync(api, ruleId);
        Assert.Equal(armed.At("version").GetValue<int>(), armed.At("runningVersion").GetValue<int>());
        await api.PostEventsAsync("ingestor-a", [ResponseActionsApiTests.DeviceEvent("m-4", "dev-4")]);
        var titles = (await api.GraphQLAsync("admin", "{ alerts { edges { node { title } } } }")).At("data.alerts.edges").AsArray().Select(e => e!.Str("node.title"));
        Assert.Contains("Contained malware on dev-4", titles);
    }

    [SkippableFact]
    public async Task StaleActivationRequest_ApprovedAfterTheRuleChanged_RefusedAndAudited_OnlyTheCurrentOneArmsIt()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        var ruleId = await CreateAsync(api, "author-a", IsolateRule);
        var first = await ActivateAsync(api, "author-a", ruleId);
        var staleId = first.Str("data.activateRule.approvalRequest.id");
        var version = first.At("data.activateRule.rule.version").GetValue<int>();
        var updated = await UpdateAsync(api, "author-a", ruleId, version, IsolateRule.Replace("malware.detected", "ransomware.detected"));
        var currentId = updated.Str("data.updateRule.approvalRequest.id");
        Assert.NotEqual(staleId, currentId);

        var stale = await api.DecideAsync("approver-a", staleId);

        Assert.Equal("STALE_CHANGE", stale.Errors("approveRequest").Single()!.Str("code"));
        Assert.Equal("DRAFT", (await RuleAsync(api, ruleId)).Str("status"));
        Assert.Contains("STALE_CHANGE", Assert.Single(await RefusalsAsync(api, staleId))!.At("node.after").ToJsonString());
        var requests = await api.GraphQLAsync("admin", "query($id: ID) { approvalRequests(where: { ruleId: $id }) { edges { node { id status } } } }", new { id = ruleId });
        Assert.Equal("CANCELLED", requests.At("data.approvalRequests.edges").AsArray().Single(e => e!.Str("node.id") == staleId)!.Str("node.status"));
        Assert.Empty((await api.DecideAsync("approver-a", currentId)).Errors("approveRequest"));
        Assert.Equal("ACTIVE", (await RuleAsync(api, ruleId)).Str("status"));
    }

    [SkippableFact]
    public async Task ManualRuleGate_DecidedByTheRulesActivator_RefusedAsDualControl_AnotherApproverDecides()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        var ruleId = await CreateAsync(api, "admin-a", EngineScenario.ApprovalRule, outcome: "MANUAL_APPROVAL");
        var activated = await ActivateAsync(api, "admin-a", ruleId);
        Assert.Equal("ACTIVE", activated.Str("data.activateRule.rule.status"));
        Assert.Null(activated.At("data.activateRule")["approvalRequest"]);

        await api.PostEventsAsync("ingestor-a", [ResponseActionsApiTests.DeviceEvent("g-1", "dev-9", severity: "CRITICAL")]);
        var gate = (await api.GraphQLAsync("admin", "{ approvalRequests(where: { status: PENDING }) { edges { node { id kind requestedBy ruleActivatedBy ruleEditedBy } } } }"))
            .At("data.approvalRequests.edges.0.node");
        Assert.Equal("GATE", gate.Str("kind"));
        Assert.Equal("engine", gate.Str("requestedBy"));
        Assert.Equal("admin-a", gate.Str("ruleActivatedBy"));

        var byActivator = await api.DecideAsync("admin-a", gate.Str("id"));
        var byApprover = await api.DecideAsync("approver-a", gate.Str("id"));

        Assert.Equal("DUAL_CONTROL", byActivator.Errors("approveRequest").Single()!.Str("code"));
        Assert.Single(await RefusalsAsync(api, gate.Str("id")));
        Assert.Equal("APPROVED", byApprover.Str("data.approveRequest.approvalRequest.status"));
    }

    [SkippableFact]
    public async Task AutomaticRuleWithAScriptThatCanRequestActions_NeedsASecondPrincipalToArm()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        var ruleId = await CreateAsync(api, "author-a", ScriptRule);

        var activated = await ActivateAsync(api, "author-a", ruleId);

        Assert.Equal("DRAFT", activated.Str("data.activateRule.rule.status"));
        Assert.Contains("RequestAction", activated.Str("data.activateRule.approvalRequest.justification"));
        await api.PostEventsAsync("ingestor-a", [ResponseActionsApiTests.DeviceEvent("s-1", "dev-5")]);
        Assert.Empty(await ActionsAsync(api));
    }

    [SkippableFact]
    public async Task AutomaticRuleArmedWithoutApproval_TypeLaterRequiresApproval_ItsActionWaitsForAPerson()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        var ruleId = await CreateAsync(api, "author-a", KillRule);
        var activated = await ActivateAsync(api, "author-a", ruleId);
        Assert.Equal("ACTIVE", activated.Str("data.activateRule.rule.status"));
        Assert.Null(activated.At("data.activateRule")["approvalRequest"]);
        var settings = (await api.GraphQLAsync("admin", "{ respondSettings { version } }")).At("data.respondSettings.version").GetValue<int>();
        var required = await api.GraphQLAsync("admin", $"mutation {{ updateApprovalRequirements(input: {{ approvalRequired: [ISOLATE_DEVICE, KILL_PROCESS], expectedVersion: {settings} }}) {{ errors {{ code }} }} }}");
        Assert.Empty(required.Errors("updateApprovalRequirements"));

        await api.PostEventsAsync("ingestor-a", [ResponseActionsApiTests.DeviceEvent("k-1", "dev-6", pid: 4242)]);

        var action = Assert.Single(await ActionsAsync(api));
        Assert.Equal("PENDING_APPROVAL", action.Str("status"));
        Assert.Contains("Change control", action.Str("approvalReason"));
    }

    [SkippableFact]
    public async Task PauseWhileActivationWaits_WithdrawsTheRequest()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        var ruleId = await CreateAsync(api, "author-a", IsolateRule);
        var requestId = (await ActivateAsync(api, "author-a", ruleId)).Str("data.activateRule.approvalRequest.id");

        var paused = await api.GraphQLAsync("author-a", "mutation($id: ID!) { pauseRule(input: { id: $id }) { rule { status pendingActivation { id } } errors { code } } }", new { id = ruleId });

        Assert.Empty(paused.Errors("pauseRule"));
        Assert.Null(paused.At("data.pauseRule.rule")["pendingActivation"]);
        Assert.Equal("STALE_CHANGE", (await api.DecideAsync("approver-a", requestId)).Errors("approveRequest").Single()!.Str("code"));
    }

    public sealed class OnSqlite() : RuleChangeControlTests(TestDatabase.Sqlite);

    public sealed class OnPostgreSql() : RuleChangeControlTests(TestDatabase.PostgreSql);
}
