using System.Text.Json;
using System.Text.Json.Nodes;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Features.Chat;
using Respond.Server.Persistence;
using Respond.Server.Tests.Connectors.Agents;
using Respond.Server.Tests.Features.Actions;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.GraphQL;

/// <summary>
/// Issue 11's tenant-isolation matrix: every mutation of the schema, read from the schema itself, is called by an Admin of
/// org-b against org-a's objects and settings. Each must be refused and audited, and org-a must behave exactly as before:
/// its events raise alerts, its ISOLATE_DEVICE waits for approval, auto-response does not act for it.
/// </summary>
public abstract class TenantIsolationMatrixTests(TestDatabase database)
{
    private const string Attacker = "admin-b";

    private const string CriticalRule = AutomationTests.CriticalRule;

    private static readonly JsonElement Definition = JsonDocument.Parse(CriticalRule).RootElement;

    /// <summary>org-a's objects the attacker aims at.</summary>
    private sealed record OrgA(string RuleId, string AlertId, string ApprovalRequestId, string ActionId, string ScriptId, string AgentId,
        string EnrollmentTokenId, string BacktestId, string TemplateId, string UserId, string WebhookSubscriptionId, string WebhookMessageId,
        string SlackCode);

    /// <summary>An API client of org-a (the fixture's clients are per organization).</summary>
    private const string OrgAClient = "author-a";

    private static object Input(object input) => new Dictionary<string, object?> { ["input"] = input };

    /// <summary>
    /// The arguments each mutation is attacked with (several calls where a mutation has several ways in). A mutation missing
    /// here fails the test: a new mutation must say how org-b would aim it at org-a.
    /// </summary>
    private static readonly Dictionary<string, Func<OrgA, IEnumerable<object>>> Attacks = new()
    {
        ["turnOnRespond"] = _ => [Input(new { organizationId = "org-a", acknowledgedTerms = Terms }), Input(new { acknowledgedTerms = Terms })],
        ["turnOffRespond"] = _ => [Input(new { organizationId = "org-a", confirm = true }), Input(new { confirm = true })],
        ["updateApprovalRequirements"] = _ => [Input(new { organizationId = "org-a", approvalRequired = Array.Empty<string>() }), Input(new { approvalRequired = Array.Empty<string>() })],
        ["updateProtectedTargets"] = _ => [Input(new { organizationId = "org-a", devices = Array.Empty<string>(), accounts = Array.Empty<string>() }),
            Input(new { devices = Array.Empty<string>(), accounts = Array.Empty<string>() })],
        ["updateAutoResponseSettings"] = _ => [Input(new { organizationId = "org-a", autoIsolateOnCritical = true, autoKillOnHigh = true }),
            Input(new { autoIsolateOnCritical = true, autoKillOnHigh = true })],
        ["createOrganization"] = _ => [Input(new { id = "org-a2", name = "Alpha 2" })],
        ["connectOrganization"] = _ => [Input(new { organizationId = "org-a", connector = "SIMULATED", settings = new { } })],
        ["testConnection"] = _ => [Input(new { organizationId = "org-a" })],
        ["createRule"] = _ => [Input(new { name = "planted", outcome = "AUTOMATIC", organizationIds = new[] { "org-a" }, definition = Definition })],
        ["updateRule"] = a => [Input(new { id = a.RuleId, expectedVersion = 2, outcome = "ALERT_ONLY" })],
        ["duplicateRule"] = a => [Input(new { id = a.RuleId, name = "copy" })],
        ["deleteRule"] = a => [Input(new { id = a.RuleId })],
        ["activateRule"] = a => [Input(new { id = a.RuleId })],
        ["pauseRule"] = a => [Input(new { id = a.RuleId })],
        ["convertRuleToIoc"] = a => [Input(new { id = a.RuleId })],
        ["duplicateTemplate"] = a => [Input(new { templateId = a.TemplateId, organizationIds = new[] { "org-a" } })],
        ["ingestEvents"] = _ => [Input(new { events = new[] { new { id = "planted-1", organizationId = "org-a", source = "edr", type = "ransomware.detected", severity = "CRITICAL", time = "2026-11-23T10:00:00Z" } } })],
        ["acknowledgeAlert"] = a => [Input(new { id = a.AlertId })],
        ["closeAlert"] = a => [Input(new { id = a.AlertId })],
        ["approveRequest"] = a => [Input(new { id = a.ApprovalRequestId })],
        ["rejectRequest"] = a => [Input(new { id = a.ApprovalRequestId })],
        ["submitResponseAction"] = _ => [Input(new { organizationId = "org-a", type = "ISOLATE_DEVICE", target = new { deviceId = "dev-a1" }, justification = "planted" })],
        ["submitBulkResponseAction"] = _ => [Input(new { organizationId = "org-a", type = "ISOLATE_DEVICE", targets = new[] { new { deviceId = "dev-a1" } }, justification = "planted" })],
        ["cancelResponseAction"] = a => [Input(new { id = a.ActionId })],
        ["rollbackResponseAction"] = a => [Input(new { id = a.ActionId, justification = "planted" })],
        ["testRule"] = a => [Input(new { ruleId = a.RuleId, events = Array.Empty<object>() })],
        ["backtestRule"] = a => [Input(new { ruleId = a.RuleId, from = "2026-11-19T00:00:00Z", to = "2026-11-23T00:00:00Z" })],
        ["cancelBacktest"] = a => [new Dictionary<string, object?> { ["id"] = a.BacktestId }],
        ["createScript"] = _ => [Input(new { name = "planted", organizationIds = new[] { "org-a" }, source = "Log(\"x\");" })],
        ["updateScript"] = a => [Input(new { id = a.ScriptId, expectedVersion = 1, source = "Log(\"planted\");" })],
        ["markScriptSafe"] = a => [Input(new { id = a.ScriptId, safe = true })],
        ["runScript"] = a => [Input(new { scriptId = a.ScriptId, organizationId = "org-a", eventJson = new { id = "e", organizationId = "org-a" }, requestApproval = true })],
        ["createAgentEnrollmentToken"] = _ => [Input(new { organizationId = "org-a" })],
        ["revokeAgent"] = a => [Input(new { agentId = a.AgentId })],
        ["revokeAgentEnrollmentToken"] = a => [Input(new { enrollmentTokenId = a.EnrollmentTokenId })],
        ["unlockSignIn"] = _ => [Input(new { userName = "alice" })],
        // Parked-event ids are log sequences, so guessable: org-a's first events (EventLogEvaluatorTests holds a real parked one).
        ["updateApprovalPolicies"] = _ => [Input(new { organizationId = "org-a", policies = new[] { new { type = "ISOLATE_DEVICE", approvalsRequired = 1 } } }),
            Input(new { policies = new[] { new { type = "ISOLATE_DEVICE", approvalsRequired = 1 } } })],
        ["decideApprovalRequests"] = a => [Input(new { ids = new[] { a.ApprovalRequestId }, decision = "APPROVE", justification = "planted" })],
        ["createUser"] = _ => [Input(new { userName = "planted", password = "planted-password-1", roles = new[] { "Admin" }, organizations = new[] { "org-a" } })],
        ["disableUser"] = a => [Input(new { id = a.UserId })],
        ["enableUser"] = a => [Input(new { id = a.UserId })],
        ["resetUserPassword"] = a => [Input(new { id = a.UserId, password = "hostile-password-1" })],
        ["setUserAccess"] = a => [Input(new { id = a.UserId, roles = new[] { "Admin" }, organizations = new[] { "org-a", "org-b" } })],
        ["createApiClient"] = _ => [Input(new { clientId = "planted-client", roles = new[] { "Ingestor" }, organizations = new[] { "org-a" } })],
        ["rotateApiClientSecret"] = _ => [Input(new { clientId = OrgAClient })],
        ["revokeApiClient"] = _ => [Input(new { clientId = OrgAClient })],
        ["retryParkedEvent"] = _ => [Input(new { id = "1" }), Input(new { id = "2" })],
        ["createWebhookSubscription"] = _ => [Input(new { organizationId = "org-a", url = "https://partner.example/hook", events = new[] { "alert.raised" } }),
            Input(new { url = "https://partner.example/all", events = new[] { "alert.raised" } })],
        ["updateWebhookSubscription"] = a => [Input(new { id = a.WebhookSubscriptionId, url = "https://attacker.example/hook" }), Input(new { id = a.WebhookSubscriptionId, enabled = false })],
        ["rotateWebhookSecret"] = a => [Input(new { id = a.WebhookSubscriptionId })],
        ["deleteWebhookSubscription"] = a => [Input(new { id = a.WebhookSubscriptionId })],
        ["replayWebhookMessage"] = a => [Input(new { id = a.WebhookMessageId })],
        ["configureSlackIntegration"] = _ => [Input(new { organizationId = "org-a", channelId = "CATTACK", botToken = "xoxb-attacker", signingSecret = "attacker-secret", apiBaseUrl = "https://127.0.0.1:9/evil" }),
            Input(new { organizationId = "org-a", channelId = "CATTACK" })],
        ["removeSlackIntegration"] = _ => [Input(new { organizationId = "org-a" })],
        ["configureTeamsIntegration"] = _ => [Input(new { organizationId = "org-a", webhookUrl = "https://127.0.0.1:9/evil" })],
        ["removeTeamsIntegration"] = _ => [Input(new { organizationId = "org-a" })],
        // A code org-a's Slack app issued to one of its Slack users; and org-a's person's link.
        ["linkSlackUser"] = a => [Input(new { code = a.SlackCode })],
        ["unlinkSlackUser"] = _ => [Input(new { slackTeamId = SlackTeam, slackUserId = "UANNA" })],
        // Only ever the caller's own preferences: an API client has none, and nobody names another person's.
        ["updateNotificationPreferences"] = _ => [Input(new { email = false })],
    };

    private const string SlackTeam = "TORGA";

    private static readonly string[] Terms = ["RESPONSE_ACTIONS_AFFECT_USERS", "AUTOMATION_REQUIRES_VALIDATED_RULES", "ACTIONS_REQUIRE_HEALTHY_CONNECTION"];

    /// <summary>A refusal as the API answers it: a thrown error, or the payload's UserError. INVALID_EVENT is how ingestion refuses an event for another organization.</summary>
    private static readonly HashSet<string> RefusalCodes = ["FORBIDDEN", "NOT_FOUND", "DUAL_CONTROL", "NOT_AN_APPROVER", "INVALID_EVENT"];

    [SkippableFact]
    public async Task EveryMutation_AdminOfOrgBAgainstOrgA_RefusedAuditedAndOrgAUnchanged()
    {
        await using var api = ActionScenario.Host(database);
        var orgA = await OrgAAsync(api);
        var mutations = api.Services.GetRequiredService<ISchema>().Mutation!.Fields.ToList();

        var missing = mutations.Select(f => f.Name).Where(name => !Attacks.ContainsKey(name)).ToList();
        Assert.True(missing.Count == 0, "Mutations without an attack in the isolation matrix (add one): " + string.Join(", ", missing));

        var notRefused = new List<string>();
        foreach (var field in mutations)
            foreach (var variables in Attacks[field.Name](orgA))
            {
                var response = await api.GraphQLAsync(Attacker, Operation(field), variables);
                if (!Refused(response, field.Name)) notRefused.Add($"{field.Name}: {response.ToJsonString()}");
            }
        Assert.True(notRefused.Count == 0, "Not refused:\n" + string.Join("\n", notRefused));

        var audited = (await api.GraphQLAsync("admin", "{ auditTrail(first: 200, where: { action: \"authorization.refused\", actorId: \"admin-b\" }) { edges { node { subjectId } } } }"))
            .At("data.auditTrail.edges").AsArray().Select(e => e!.Str("node.subjectId")).ToHashSet();
        var unaudited = mutations.Select(f => f.Name).Where(name => !audited.Contains(name)).ToList();
        Assert.True(unaudited.Count == 0, "Refused but not audited: " + string.Join(", ", unaudited));

        await AssertOrgAUnchangedAsync(api, orgA);
    }

    private static string Operation(FieldType field)
    {
        var declared = string.Join(", ", field.Arguments!.Select(a => $"${a.Name}: {a.ResolvedType}"));
        var passed = string.Join(", ", field.Arguments!.Select(a => $"{a.Name}: ${a.Name}"));
        var payload = field.ResolvedType is NonNullGraphType { ResolvedType: IComplexGraphType inner } ? inner : (IComplexGraphType)field.ResolvedType!;
        var selection = payload.HasField("errors") ? "errors { code message }" : "__typename";
        // A bulk mutation answers per item: every item must be refused and nothing decided.
        if (payload.HasField("decidedCount")) selection += " decidedCount results { error { code } }";
        return $"mutation({declared}) {{ {field.Name}({passed}) {{ {selection} }} }}";
    }

    private static bool Refused(JsonObject response, string field)
    {
        if (response["errors"] is JsonArray thrown && thrown.Any(e => e?["extensions"]?["code"]?.GetValue<string>() is { } code && RefusalCodes.Contains(code))) return true;
        if (response["data"]?[field] is JsonObject bulk && bulk["results"] is JsonArray results)
            return bulk["decidedCount"]!.GetValue<int>() == 0 && results.Count > 0
                   && results.All(r => r?["error"]?["code"]?.GetValue<string>() is { } code && RefusalCodes.Contains(code));
        return response["data"]?[field]?["errors"] is JsonArray errors && errors.Count > 0
               && errors.All(e => RefusalCodes.Contains(e!.Str("code")));
    }

    /// <summary>org-a at work: Respond on, a healthy connection, an active rule that raised an alert, an action waiting for approval, a script, an agent, a backtest.</summary>
    private static async Task<OrgA> OrgAAsync(RespondApiFixture api)
    {
        await api.ReadyAsync();
        var ruleId = await api.ActiveRuleAsync(CriticalRule, outcome: "AUTOMATIC");
        var webhook = await api.GraphQLAsync("admin-a", "mutation { createWebhookSubscription(input: { organizationId: \"org-a\", url: \"https://127.0.0.1:9/hook\", events: [\"alert.raised\"] }) { subscription { id } errors { code message } } }");
        Assert.Empty(webhook.Errors("createWebhookSubscription"));
        var webhookId = webhook.Str("data.createWebhookSubscription.subscription.id");
        await api.PostEventsAsync("ingestor-a", [ResponseActionsApiTests.DeviceEvent("m-1", "dev-a1", type: "ransomware.detected", severity: "CRITICAL", pid: 4711)]);
        var alertId = (await api.GraphQLAsync("admin-a", "{ alerts { edges { node { id } } } }")).Str("data.alerts.edges.0.node.id");
        var submitted = await api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-a1"));
        Assert.Equal("PENDING_APPROVAL", submitted.Str("data.submitResponseAction.responseAction.status"));
        var script = await api.GraphQLAsync("admin-a", "mutation($input: CreateScriptInput!) { createScript(input: $input) { script { id } errors { code message } } }",
            new { input = new { name = "org-a script", organizationIds = new[] { "org-a" }, source = "Log(\"hello\");" } });
        Assert.Empty(script.Errors("createScript"));
        var token = await api.GraphQLAsync("admin-a", "mutation { createAgentEnrollmentToken(input: { organizationId: \"org-a\" }) { token enrollmentToken { id } errors { code } } }");
        var (agentId, _) = await AgentTestSupport.EnrollAsync(api, token.Str("data.createAgentEnrollmentToken.token"), "dev-agent-a");
        var spareToken = await api.GraphQLAsync("admin-a", "mutation { createAgentEnrollmentToken(input: { organizationId: \"org-a\" }) { enrollmentToken { id } errors { code } } }");
        var backtest = await api.GraphQLAsync("admin-a", "mutation($id: ID!) { backtestRule(input: { ruleId: $id, from: \"2026-11-19T00:00:00Z\", to: \"2026-11-23T00:00:00Z\" }) { backtest { id } errors { code message } } }",
            new { id = ruleId });
        Assert.Empty(backtest.Errors("backtestRule"));
        var template = (await api.GraphQLAsync("viewer", "{ communityTemplates { id } }")).Str("data.communityTemplates.0.id");
        var user = await api.GraphQLAsync("admin-a", "mutation { createUser(input: { userName: \"ann-a\", password: \"ann-a-password-1\", roles: [\"Approver\"], organizations: [\"org-a\"] }) { user { id } errors { code message } } }");
        Assert.Empty(user.Errors("createUser"));
        var message = (await api.GraphQLAsync("admin-a", "query($id: ID!) { webhookMessages(subscriptionId: $id) { id } }", new { id = webhookId })).Str("data.webhookMessages.0.id");
        var slack = await api.GraphQLAsync("admin-a", "mutation { configureSlackIntegration(input: { organizationId: \"org-a\", channelId: \"CORGA\", botToken: \"xoxb-a\", signingSecret: \"secret-a\", apiBaseUrl: \"https://127.0.0.1:9/api\" }) { errors { code message } } }");
        Assert.Empty(slack.Errors("configureSlackIntegration"));
        var teams = await api.GraphQLAsync("admin-a", "mutation { configureTeamsIntegration(input: { organizationId: \"org-a\", webhookUrl: \"https://127.0.0.1:9/teams\" }) { errors { code message } } }");
        Assert.Empty(teams.Errors("configureTeamsIntegration"));
        string code;
        await using (var scope = api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
            code = scope.ServiceProvider.GetRequiredService<SlackLinkCodes>().Issue(db, "org-a", SlackTeam, "UNEW", "new-a");
            db.Add(new SlackUserLink { SlackTeamId = SlackTeam, SlackUserId = "UANNA", UserId = user.Str("data.createUser.user.id"), OrganizationId = "org-a" });
            await db.SaveChangesAsync();
        }
        return new OrgA(ruleId, alertId, submitted.Str("data.submitResponseAction.approvalRequest.id"), submitted.Str("data.submitResponseAction.responseAction.id"),
            script.Str("data.createScript.script.id"), agentId, spareToken.Str("data.createAgentEnrollmentToken.enrollmentToken.id"),
            backtest.Str("data.backtestRule.backtest.id"), template, user.Str("data.createUser.user.id"), webhookId, message, code);
    }

    private static async Task AssertOrgAUnchangedAsync(RespondApiFixture api, OrgA orgA)
    {
        var settings = await api.GraphQLAsync("admin-a", "{ respondSettings(organizationId: \"org-a\") { enabled inheritsDefaults approvalRequirements autoResponse { autoIsolateOnCritical autoKillOnHigh } } }");
        Assert.True(settings.At("data.respondSettings.enabled").GetValue<bool>());
        Assert.True(settings.At("data.respondSettings.inheritsDefaults").GetValue<bool>());
        Assert.False(settings.At("data.respondSettings.autoResponse.autoIsolateOnCritical").GetValue<bool>());

        var state = await api.GraphQLAsync("admin", """
            query($rule: ID!, $alert: ID!, $action: ID!, $script: ID!) { rule(id: $rule) { status } alert(id: $alert) { status } responseAction(id: $action) { status }
              approvalRequests { edges { node { id status } } } script(id: $script) { version isSafe } agents(organizationId: "org-a") { id revokedAt }
              agentEnrollmentTokens(organizationId: "org-a") { id revokedAt } organizations { totalCount } }
            """, new { rule = orgA.RuleId, alert = orgA.AlertId, action = orgA.ActionId, script = orgA.ScriptId });
        Assert.Equal("ACTIVE", state.Str("data.rule.status"));
        Assert.Equal("NEW", state.Str("data.alert.status"));
        Assert.Equal("PENDING_APPROVAL", state.Str("data.responseAction.status"));
        Assert.Equal("PENDING", state.At("data.approvalRequests.edges").AsArray().Single(e => e!.Str("node.id") == orgA.ApprovalRequestId)!.Str("node.status"));
        Assert.Equal(1, state.At("data.script.version").GetValue<int>());
        Assert.False(state.At("data.script.isSafe").GetValue<bool>());
        Assert.All(state.At("data.agents").AsArray(), a => Assert.Null(a!["revokedAt"]));
        Assert.All(state.At("data.agentEnrollmentTokens").AsArray(), t => Assert.Null(t!["revokedAt"]));
        Assert.Equal(2, state.At("data.organizations.totalCount").GetValue<int>());
        var webhooks = await api.GraphQLAsync("admin-a", "{ webhookSubscriptions { id url enabled version } }");
        var webhook = Assert.Single(webhooks.At("data.webhookSubscriptions").AsArray())!;
        Assert.Equal((orgA.WebhookSubscriptionId, "https://127.0.0.1:9/hook", true, 1),
            (webhook.Str("id"), webhook.Str("url"), webhook["enabled"]!.GetValue<bool>(), webhook["version"]!.GetValue<int>()));
        var chat = await api.GraphQLAsync("admin-a", "{ chatIntegrations(organizationId: \"org-a\") { slack { channelId apiBaseUrl updatedBy } teams { webhookHost updatedBy } } }");
        Assert.Equal(("CORGA", "https://127.0.0.1:9/api", "admin-a", "admin-a"), (chat.Str("data.chatIntegrations.0.slack.channelId"),
            chat.Str("data.chatIntegrations.0.slack.apiBaseUrl"), chat.Str("data.chatIntegrations.0.slack.updatedBy"), chat.Str("data.chatIntegrations.0.teams.updatedBy")));
        await using (var scope = api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
            Assert.Equal(orgA.UserId, (await db.Set<SlackUserLink>().SingleAsync(l => l.SlackUserId == "UANNA")).UserId);
            Assert.Null((await db.Set<SlackLinkCode>().SingleAsync()).UsedAt);
            Assert.False(await db.Set<SlackUserLink>().AnyAsync(l => l.SlackUserId == "UNEW"));
        }
        var people = await api.GraphQLAsync("admin", "{ users { id userName disabled roles organizations } apiClients { clientId revoked } }");
        var ann = people.At("data.users").AsArray().Single(u => u!.Str("id") == orgA.UserId)!;
        Assert.False(ann["disabled"]!.GetValue<bool>());
        Assert.Equal(["Approver"], ann["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.DoesNotContain(people.At("data.users").AsArray(), u => u!.Str("userName") == "planted");
        Assert.DoesNotContain(people.At("data.apiClients").AsArray(), c => c!.Str("clientId") == "planted-client");
        Assert.False(people.At("data.apiClients").AsArray().Single(c => c!.Str("clientId") == OrgAClient)!["revoked"]!.GetValue<bool>());

        // Behaviour, not just state: an org-a event still raises its alert and auto-response still does not isolate for org-a...
        await api.PostEventsAsync("ingestor-a", [ResponseActionsApiTests.DeviceEvent("m-2", "dev-a2", type: "ransomware.detected", severity: "CRITICAL", pid: 4712)]);
        var after = await api.GraphQLAsync("admin-a", "{ alerts { totalCount } responseActions { edges { node { source } } } }");
        Assert.Equal(2, after.At("data.alerts.totalCount").GetValue<int>());
        Assert.DoesNotContain(after.At("data.responseActions.edges").AsArray(), e => e!.Str("node.source") == "AUTO_RESPONSE");
        // ...and an org-a responder's ISOLATE_DEVICE still needs a second person.
        var isolate = await api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-a3"));
        Assert.Equal("PENDING_APPROVAL", isolate.Str("data.submitResponseAction.responseAction.status"));
    }

    public sealed class OnSqlite() : TenantIsolationMatrixTests(TestDatabase.Sqlite);

    public sealed class OnPostgreSql() : TenantIsolationMatrixTests(TestDatabase.PostgreSql);
}
