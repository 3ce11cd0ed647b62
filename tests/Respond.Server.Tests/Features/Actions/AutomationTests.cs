using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.Actions;

/// <summary>Auto-response, the blast-radius guard and protected targets: automation that cannot run away.</summary>
public abstract class AutomationTests(TestDatabase database)
{
    internal const string CriticalRule = """
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["ransomware.detected"] } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Ransomware on {{device.id}}", "severity": "CRITICAL" } }
          ],
          "edges": [ { "from": "trigger", "to": "alert" } ]
        }
        """;

    private static readonly string[] AllDays = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

    private static object Hours(bool containingNow)
    {
        var now = DateTimeOffset.UtcNow;
        var (from, to) = containingNow ? (now.AddHours(-2), now.AddHours(2)) : (now.AddHours(2), now.AddHours(3));
        return new { timeZone = "Etc/UTC", windows = new[] { new { days = AllDays, from = from.ToString("HH:mm"), to = to.ToString("HH:mm") } } };
    }

    private static async Task AutoResponseAsync(RespondApiFixture api, bool insideHours, string[]? alwaysApprove = null)
    {
        var result = await api.GraphQLAsync("admin", "mutation($input: UpdateAutoResponseSettingsInput!) { updateAutoResponseSettings(input: $input) { errors { code message } } }",
            new { input = new { autoIsolateOnCritical = true, autoKillOnHigh = true, activeHours = Hours(insideHours), alwaysRequireApproval = alwaysApprove ?? [] } });
        Assert.Empty(result.Errors("updateAutoResponseSettings"));
    }

    private static async Task<System.Text.Json.Nodes.JsonArray> ActionsAsync(RespondApiFixture api) =>
        (await api.GraphQLAsync("admin", $$"""{ responseActions(first: 50) { edges { node { {{ActionScenario.ActionFields}} } } } }""")).At("data.responseActions.edges").AsArray();

    [SkippableFact]
    public async Task AutoResponse_InsideActiveHours_IsolatesAndKillsWithoutApproval_AuditedAsAutoResponse()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        await AutoResponseAsync(api, insideHours: true);
        await api.ActiveRuleAsync(CriticalRule, outcome: "AUTOMATIC");

        await api.PostEventsAsync("ingestor-a", [ResponseActionsApiTests.DeviceEvent("r-1", "dev-11", type: "ransomware.detected", severity: "CRITICAL", pid: 4711)]);

        var actions = await ActionsAsync(api);
        Assert.Equal(["ISOLATE_DEVICE", "KILL_PROCESS"], actions.Select(a => a!.Str("node.type")).Order());
        foreach (var edge in actions)
        {
            var a = edge!["node"]!;
            Assert.Equal("AUTO_RESPONSE", a.Str("source"));
            Assert.True(a["automatic"]!.GetValue<bool>());
            Assert.Equal("auto-response", a.Str("submittedBy"));
            Assert.NotNull(a["alertId"]?.GetValue<string>());
            Assert.Equal("COMPLETED", (await api.WaitForStatusAsync(a.Str("id"), "COMPLETED")).Str("status"));
        }
        var audit = await api.GraphQLAsync("admin", "{ auditTrail(where: { action: \"action.submitted\" }) { edges { node { actorId after } } } }");
        Assert.All(audit.At("data.auditTrail.edges").AsArray(), e => Assert.Equal("auto-response", e!.Str("node.actorId")));
    }

    [SkippableFact]
    public async Task AutoResponse_OutsideActiveHours_DoesNothingButTheAlertStands()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        await AutoResponseAsync(api, insideHours: false);
        await api.ActiveRuleAsync(CriticalRule, outcome: "AUTOMATIC");

        await api.PostEventsAsync("ingestor-a", [ResponseActionsApiTests.DeviceEvent("r-2", "dev-12", type: "ransomware.detected", severity: "CRITICAL", pid: 4712)]);

        var counts = await api.GraphQLAsync("admin", "{ alerts { totalCount } responseActions { totalCount } }");
        Assert.Equal(1, counts.At("data.alerts.totalCount").GetValue<int>());
        Assert.Equal(0, counts.At("data.responseActions.totalCount").GetValue<int>());
    }

    [SkippableFact]
    public async Task AutoResponse_AlwaysRequireApprovalOverride_IsolationWaitsForAPerson()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        await AutoResponseAsync(api, insideHours: true, alwaysApprove: ["ISOLATE_DEVICE"]);
        await api.ActiveRuleAsync(CriticalRule, outcome: "AUTOMATIC");

        await api.PostEventsAsync("ingestor-a", [ResponseActionsApiTests.DeviceEvent("r-3", "dev-13", type: "ransomware.detected", severity: "CRITICAL", pid: 4713)]);

        var actions = (await ActionsAsync(api)).Select(e => e!["node"]!).ToDictionary(a => a.Str("type"));
        Assert.Equal("PENDING_APPROVAL", actions["ISOLATE_DEVICE"].Str("status"));
        Assert.Contains("always requires approval", actions["ISOLATE_DEVICE"].Str("approvalReason"));
        Assert.False(actions["ISOLATE_DEVICE"]["automatic"]!.GetValue<bool>());
        Assert.Equal("COMPLETED", (await api.WaitForStatusAsync(actions["KILL_PROCESS"].Str("id"), "COMPLETED")).Str("status"));
        var request = await api.GraphQLAsync("approver-a", "{ approvalRequests(where: { status: PENDING }) { edges { node { requestedBy } } } }");
        Assert.Equal("auto-response", request.At("data.approvalRequests.edges")[0]!.Str("node.requestedBy"));
    }

    [SkippableFact]
    public async Task BlastRadius_EleventhAutomaticIsolationOfARule_BecomesAnApprovalRequestWithAnAlert()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        await api.ActiveRuleAsync(ResponseActionsApiTests.AutomaticIsolateRule, outcome: "AUTOMATIC");

        await api.PostEventsAsync("ingestor-a", Enumerable.Range(1, 11).Select(i => ResponseActionsApiTests.DeviceEvent($"w-{i}", $"ws-{i:00}")));

        var actions = (await ActionsAsync(api)).Select(e => e!["node"]!).ToList();
        Assert.Equal(11, actions.Count);
        Assert.Equal(10, actions.Count(a => a["automatic"]!.GetValue<bool>() && a.Str("status") != "PENDING_APPROVAL"));
        var held = Assert.Single(actions, a => a.Str("status") == "PENDING_APPROVAL");
        Assert.Equal("ws-11", held.Str("target.deviceId"));
        Assert.Contains("Blast-radius guard", held.Str("approvalReason"));
        Assert.NotNull(held["approvalRequestId"]?.GetValue<string>());
        var alerts = await api.GraphQLAsync("admin", "{ alerts(where: { ruleId: \"respond.blast-radius\" }) { totalCount } }");
        Assert.Equal(1, alerts.At("data.alerts.totalCount").GetValue<int>());
    }

    [SkippableFact]
    public async Task ProtectedAccount_NeverBlockedAutomatically_WaitsForApproval()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        var protectedTargets = await api.GraphQLAsync("admin", "mutation { updateProtectedTargets(input: { devices: [\"dc-01\"], accounts: [\"breakglass@contoso.example\"] }) { settings { protectedAccounts } errors { code } } }");
        Assert.Equal("breakglass@contoso.example", protectedTargets.At("data.updateProtectedTargets.settings.protectedAccounts")[0]!.GetValue<string>());
        await api.ActiveRuleAsync("""
            {
              "schemaVersion": 1,
              "nodes": [
                { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.risky"] } },
                { "id": "alert", "type": "alert.create", "config": { "title": "Risky sign-in", "severity": "HIGH" } },
                { "id": "block", "type": "action.blockSignIn", "config": {} }
              ],
              "edges": [ { "from": "trigger", "to": "alert" }, { "from": "alert", "to": "block" } ]
            }
            """, outcome: "AUTOMATIC");

        await api.PostEventsAsync("ingestor-a", [
            ResponseActionsApiTests.DeviceEvent("s-1", "dev-1", type: "signin.risky", user: "breakglass@contoso.example"),
            ResponseActionsApiTests.DeviceEvent("s-2", "dev-2", type: "signin.risky", user: "alice@contoso.example"),
        ]);

        var actions = (await ActionsAsync(api)).Select(e => e!["node"]!).ToDictionary(a => a.Str("target.userId"));
        Assert.Equal("PENDING_APPROVAL", actions["breakglass@contoso.example"].Str("status"));
        Assert.Contains("Protected target", actions["breakglass@contoso.example"].Str("approvalReason"));
        Assert.Equal("COMPLETED", (await api.WaitForStatusAsync(actions["alice@contoso.example"].Str("id"), "COMPLETED")).Str("status"));
    }

    [SkippableFact]
    public async Task AutomaticRule_ActionCompletes_ResumesTheRuleOnItsCompletedPort()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        var ruleId = await api.ActiveRuleAsync(ResponseActionsApiTests.AutomaticIsolateRule, outcome: "AUTOMATIC");

        await api.PostEventsAsync("ingestor-a", [ResponseActionsApiTests.DeviceEvent("c-1", "dev-31")]);
        var action = (await ActionsAsync(api))[0]!["node"]!;
        Assert.Equal(ruleId, action.Str("ruleId"));
        await api.WaitForStatusAsync(action.Str("id"), "COMPLETED");

        // The instance resumes on the action's end and completes after it: wait for that (or fail with the status it stayed in).
        await api.UntilAsync(
            async () => (await api.GraphQLAsync("admin", "query($r: ID!) { ruleExecutions(where: { ruleId: $r }) { edges { node { status } } } }", new { r = ruleId }))
                .At("data.ruleExecutions.edges")[0]!.Str("node.status").ToUpperInvariant(),
            status => status == "COMPLETED", TimeSpan.FromSeconds(20), status => $"The rule's instance stayed {status}.");
    }

    [SkippableFact]
    public async Task VerifyAuditTrail_OneRowEditedInTheDatabase_ReportsExactlyThatEntry()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        await api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-1"));
        var clean = await api.GraphQLAsync("admin", "{ verifyAuditTrail { valid checkedEntries brokenEntries { entryId } headHash } }");
        Assert.True(clean.At("data.verifyAuditTrail.valid").GetValue<bool>(), clean.ToJsonString());
        var count = clean.At("data.verifyAuditTrail.checkedEntries").GetValue<int>();
        Assert.True(count >= 4);

        await using (var connection = await api.OpenDatabaseAsync())
        {
            using var command = connection.CreateCommand();
            command.CommandText = """UPDATE "AuditEntries" SET "ActorName" = 'someone else' WHERE "Id" = 3""";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var tampered = await api.GraphQLAsync("admin", "{ verifyAuditTrail { valid brokenEntries { entryId reason } } }");
        Assert.False(tampered.At("data.verifyAuditTrail.valid").GetValue<bool>());
        var broken = Assert.Single(tampered.At("data.verifyAuditTrail.brokenEntries").AsArray());
        Assert.Equal("3", broken!.Str("entryId"));
        Assert.Contains("edited", broken!.Str("reason"));
        var notAllowed = await api.GraphQLAsync("admin-a", "{ verifyAuditTrail { valid } }");
        Assert.Equal("FORBIDDEN", notAllowed.At("errors")[0]!.Str("extensions.code"));
    }

    [SkippableFact]
    public async Task VerifyAuditTrail_RowDeleted_ReportsTheEntryAfterTheGap()
    {
        await using var api = ActionScenario.Host(database);
        await api.ReadyAsync();
        Assert.True((await api.GraphQLAsync("admin", "{ verifyAuditTrail { valid } }")).At("data.verifyAuditTrail.valid").GetValue<bool>());

        await using (var connection = await api.OpenDatabaseAsync())
        {
            using var command = connection.CreateCommand();
            command.CommandText = """DELETE FROM "AuditEntries" WHERE "Id" = 2""";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var result = await api.GraphQLAsync("admin", "{ verifyAuditTrail { valid brokenEntries { entryId reason } } }");
        var broken = Assert.Single(result.At("data.verifyAuditTrail.brokenEntries").AsArray());
        Assert.Equal("3", broken!.Str("entryId"));
        Assert.Contains("removed", broken!.Str("reason"));
    }

    public sealed class OnSqlite() : AutomationTests(TestDatabase.Sqlite);

    public sealed class OnPostgreSql() : AutomationTests(TestDatabase.PostgreSql);
}

public sealed class AuditExportTests
{
    [Fact]
    public async Task JsonExport_CheckedOfflineByTheDocumentedScript_IntactThenReportsAnEditedEntry()
    {
        await using var api = ActionScenario.Host();
        await api.ReadyAsync();
        await api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-1"));
        using var http = await api.ClientAsAsync("admin");
        var export = await http.GetStringAsync("/api/audit/export?format=json");
        var file = Path.Combine(api.ContentRoot, "export.json");
        await File.WriteAllTextAsync(file, export);

        var (code, output) = await RunScriptAsync(file);
        Assert.True(code == 0, output);
        Assert.Contains("0 broken", output);

        var tampered = System.Text.Json.Nodes.JsonNode.Parse(export)!;
        tampered["entries"]![2]!["actorName"] = "someone else";
        await File.WriteAllTextAsync(file, tampered.ToJsonString());
        var (tamperedCode, tamperedOutput) = await RunScriptAsync(file);
        Assert.Equal(1, tamperedCode);
        Assert.Contains($"entry {tampered["entries"]![2]!["id"]}: content does not match", tamperedOutput);
    }

    [Fact]
    public async Task CsvExport_OrgBClient_GetsNoOrgAEntries()
    {
        await using var api = ActionScenario.Host();
        await api.ReadyAsync();
        await api.SubmitAsync("responder-a", "ISOLATE_DEVICE", ActionScenario.Device("dev-1"));
        using var a = await api.ClientAsAsync("admin-a");
        using var b = await api.ClientAsAsync("admin-b");

        var csvA = await a.GetStringAsync("/api/audit/export?format=csv&organizationId=org-a");
        var csvB = await b.GetStringAsync("/api/audit/export?format=csv");

        Assert.Contains("action.submitted", csvA);
        Assert.DoesNotContain("action.submitted", csvB);
        Assert.DoesNotContain("dev-1", csvB);
    }

    private static async Task<(int Code, string Output)> RunScriptAsync(string file)
    {
        var script = Path.Combine(RepositoryRoot(), "tools", "verify-audit-export.py");
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("python3") { ArgumentList = { script, file }, RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Respond.sln"))) return dir.FullName;
        throw new InvalidOperationException("Respond.sln not found");
    }
}
