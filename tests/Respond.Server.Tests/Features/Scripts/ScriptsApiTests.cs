using System.Text.Json;
using System.Text.Json.Nodes;

namespace Respond.Server.Tests.Features.Scripts;

public sealed class ScriptsApiTests(RespondApiFixture api) : IClassFixture<RespondApiFixture>
{
    private const string ScriptFields = "id name version source contentHash isSafe organizationIds scriptVersions { version source contentHash diagnosticsCount createdBy }";

    private const string BenignSource = """
        var host = Event.Device.Hostname;
        Log($"suspicious process {Event.Process.Name} on {host}");
        RequestAction("ISOLATE_DEVICE", Event.Device.Id, "encoded PowerShell on " + host);
        RequestAction("KILL_PROCESS", Event.Process.Pid?.ToString() ?? "", "stop it");
        """;

    private static readonly JsonElement Event = JsonDocument.Parse("""
        { "id": "e-1", "organizationId": "org-a", "source": "edr", "type": "process.start", "severity": "HIGH",
          "device": { "id": "dev-7", "hostname": "ws-07" }, "process": { "pid": 4242, "name": "powershell.exe", "commandLine": "powershell -enc AAAA" } }
        """).RootElement;

    private async Task<JsonObject> CreateAsync(string client, string source, string[]? orgs = null, string name = "Isolate on encoded PowerShell") =>
        await api.GraphQLAsync(client, $$"""
            mutation($input: CreateScriptInput!) { createScript(input: $input) { script { {{ScriptFields}} } errors { code message path } } }
            """, new { input = new { name, description = "test", organizationIds = orgs ?? ["org-a"], source } });

    private async Task<JsonNode> CreateOkAsync(string client, string source, string[]? orgs = null, string name = "Isolate on encoded PowerShell")
    {
        var response = await CreateAsync(client, source, orgs, name);
        Assert.Empty(response.Errors("createScript"));
        return response.At("data.createScript.script");
    }

    private Task<JsonObject> RunAsync(string client, string scriptId) => api.GraphQLAsync(client, """
        mutation($input: RunScriptInput!) {
          runScript(input: $input) { succeeded error logs durationMs requestedActions { type actionType target justification requiresApproval } errors { code } }
        }
        """, new { input = new { scriptId, eventJson = Event, organizationId = "org-a" } });

    [Fact]
    public async Task ValidateScript_FileReadAllText_ReturnsDiagnosticNamingLineColumnSymbol()
    {
        // Arrange
        const string source = "Log(\"hi\");\nvar secret = System.IO.File.ReadAllText(\"/etc/passwd\");";

        // Act
        var response = await api.GraphQLAsync("author-a", """
            query($source: String!) { validateScript(source: $source, kind: RUN_SCRIPT) { severity code message line column symbol } }
            """, new { source });

        // Assert
        var diagnostics = response.At("data.validateScript").AsArray();
        Assert.Contains(diagnostics, d => d!.Str("severity") == "ERROR" && d!["line"]!.GetValue<int>() == 2
            && d!["column"]!.GetValue<int>() == 14 && d!["symbol"]?.GetValue<string>() == "System.IO.File");
    }

    [Fact]
    public async Task ValidateScript_Viewer_Forbidden()
    {
        // Act
        var response = await api.GraphQLAsync("viewer", "{ validateScript(source: \"1 > 0\", kind: EXPRESSION) { code } }");

        // Assert
        Assert.Equal("FORBIDDEN", response.Str("errors.0.extensions.code"));
    }

    [Fact]
    public async Task CreateScript_HostileSource_RefusedAndNothingSaved()
    {
        // Arrange
        var name = "Hostile " + Guid.NewGuid().ToString("N");

        // Act
        var response = await CreateAsync("author-a", "var p = System.Diagnostics.Process.GetCurrentProcess();\nLog(System.Environment.GetEnvironmentVariable(\"ConnectionStrings__Respond\"));", name: name);

        // Assert
        var error = response.Errors("createScript").Single()!;
        Assert.Equal("SCRIPT_REFUSED", error.Str("code"));
        Assert.Contains("System.Environment", error.Str("message"));
        Assert.Null(response["data"]!["createScript"]!["script"]);
        var list = await api.GraphQLAsync("admin", "{ scripts { name } }");
        Assert.DoesNotContain(list.At("data.scripts").AsArray(), s => s!.Str("name") == name);
    }

    [Fact]
    public async Task CreateScript_Viewer_Forbidden()
    {
        // Act
        var response = await CreateAsync("viewer", "Log(\"x\");");

        // Assert
        Assert.Equal("FORBIDDEN", response.Str("errors.0.extensions.code"));
    }

    [Fact]
    public async Task UpdateScript_StaleExpectedVersion_RefusedAndNothingOverwritten()
    {
        // Arrange
        var id = (await CreateOkAsync("author-a", "Log(\"v1\");")).Str("id");
        var first = await api.GraphQLAsync("author-a", "mutation($id: ID!) { updateScript(input: { id: $id, expectedVersion: 1, source: \"Log(\\\"v2\\\");\" }) { script { version } errors { code } } }", new { id });
        Assert.Equal(2, first.At("data.updateScript.script.version").GetValue<int>());

        // Act
        var stale = await api.GraphQLAsync("author-a", "mutation($id: ID!) { updateScript(input: { id: $id, expectedVersion: 1, source: \"Log(\\\"lost\\\");\" }) { script { version } errors { code path } } }", new { id });

        // Assert
        var error = stale.Errors("updateScript").Single()!;
        Assert.Equal("STALE_VERSION", error.Str("code"));
        Assert.Equal("expectedVersion", error.Str("path.1"));
        var read = await api.GraphQLAsync("author-a", "query($id: ID!) { script(id: $id) { version source } }", new { id });
        Assert.Equal(2, read.At("data.script.version").GetValue<int>());
        Assert.Equal("Log(\"v2\");", read.Str("data.script.source"));
    }

    [Fact]
    public async Task UpdateScript_HostileSource_RefusedAndVersionUnchanged()
    {
        // Arrange
        var id = (await CreateOkAsync("author-a", "Log(\"v1\");")).Str("id");

        // Act
        var response = await api.GraphQLAsync("author-a", "mutation($id: ID!) { updateScript(input: { id: $id, expectedVersion: 1, source: \"var t = typeof(string).Assembly;\" }) { script { version } errors { code } } }", new { id });

        // Assert
        Assert.Equal("SCRIPT_REFUSED", response.Errors("updateScript").Single()!.Str("code"));
        var read = await api.GraphQLAsync("author-a", "query($id: ID!) { script(id: $id) { version source } }", new { id });
        Assert.Equal(1, read.At("data.script.version").GetValue<int>());
    }

    [Fact]
    public async Task UpdateScript_TwoEdits_KeepsEveryVersionNewestFirst()
    {
        // Arrange
        var id = (await CreateOkAsync("author-a", "Log(\"v1\");")).Str("id");
        await api.GraphQLAsync("author-a", "mutation($id: ID!) { updateScript(input: { id: $id, expectedVersion: 1, source: \"Log(\\\"v2\\\");\" }) { errors { code } } }", new { id });

        // Act
        var response = await api.GraphQLAsync("author-a", $$"""
            mutation($id: ID!) { updateScript(input: { id: $id, expectedVersion: 2, name: "Renamed" }) { script { {{ScriptFields}} } errors { code } } }
            """, new { id });

        // Assert
        Assert.Empty(response.Errors("updateScript"));
        var versions = response.At("data.updateScript.script.scriptVersions").AsArray();
        Assert.Equal([3, 2, 1], versions.Select(v => v!["version"]!.GetValue<int>()));
        Assert.Equal(["Log(\"v2\");", "Log(\"v2\");", "Log(\"v1\");"], versions.Select(v => v!.Str("source")));
        Assert.NotEqual(versions[1]!.Str("contentHash"), versions[2]!.Str("contentHash"));
        Assert.Equal("Renamed", response.Str("data.updateScript.script.name"));
    }

    [Fact]
    public async Task Scripts_OtherOrganizationsAuthor_DoesNotSeeThem()
    {
        // Arrange
        var id = (await CreateOkAsync("author-a", "Log(\"org a only\");")).Str("id");

        // Act
        var list = await api.GraphQLAsync("author-b", "{ scripts { id } }");
        var single = await api.GraphQLAsync("author-b", "query($id: ID!) { script(id: $id) { id } }", new { id });
        var update = await api.GraphQLAsync("author-b", "mutation($id: ID!) { updateScript(input: { id: $id, expectedVersion: 1, name: \"mine\" }) { errors { code } } }", new { id });

        // Assert
        Assert.DoesNotContain(list.At("data.scripts").AsArray(), s => s!.Str("id") == id);
        Assert.Null(single["data"]!["script"]);
        Assert.Equal("NOT_FOUND", update.Errors("updateScript").Single()!.Str("code"));
        var own = await api.GraphQLAsync("author-a", "{ scripts { id } }");
        Assert.Contains(own.At("data.scripts").AsArray(), s => s!.Str("id") == id);
    }

    [Fact]
    public async Task MarkScriptSafe_RuleAuthor_Forbidden()
    {
        // Arrange
        var id = (await CreateOkAsync("author-a", "Log(\"x\");")).Str("id");

        // Act
        var response = await api.GraphQLAsync("author-a", "mutation($id: ID!) { markScriptSafe(input: { id: $id, safe: true }) { script { isSafe } errors { code } } }", new { id });

        // Assert
        Assert.Equal("FORBIDDEN", response.Str("errors.0.extensions.code"));
    }

    [Fact]
    public async Task MarkScriptSafe_Admin_MarksSafeAndAudits()
    {
        // Arrange
        var id = (await CreateOkAsync("author-a", "Log(\"x\");")).Str("id");

        // Act
        var response = await api.GraphQLAsync("admin", "mutation($id: ID!) { markScriptSafe(input: { id: $id, safe: true }) { script { isSafe markedSafeBy version } errors { code } } }", new { id });

        // Assert
        Assert.Empty(response.Errors("markScriptSafe"));
        Assert.True(response.At("data.markScriptSafe.script.isSafe").GetValue<bool>());
        Assert.Equal(1, response.At("data.markScriptSafe.script.version").GetValue<int>());
        var audit = await api.GraphQLAsync("admin", "query($id: String) { auditTrail(first: 10, where: { subjectId: $id }) { edges { node { action actorId } } } }", new { id });
        Assert.Contains(audit.At("data.auditTrail.edges").AsArray(), e => e!.Str("node.action") == "script.markedSafe" && e!.Str("node.actorId") == "admin");
        Assert.Contains(audit.At("data.auditTrail.edges").AsArray(), e => e!.Str("node.action") == "script.created");
    }

    [Fact]
    public async Task UpdateScript_NewSourceOfSafeScript_ClearsSafeMark()
    {
        // Arrange
        var id = (await CreateOkAsync("author-a", "Log(\"reviewed\");")).Str("id");
        await api.GraphQLAsync("admin", "mutation($id: ID!) { markScriptSafe(input: { id: $id, safe: true }) { errors { code } } }", new { id });

        // Act
        var response = await api.GraphQLAsync("author-a", "mutation($id: ID!) { updateScript(input: { id: $id, expectedVersion: 1, source: \"Log(\\\"not reviewed\\\");\" }) { script { isSafe } errors { code } } }", new { id });

        // Assert
        Assert.False(response.At("data.updateScript.script.isSafe").GetValue<bool>());
    }

    [Fact]
    public async Task RunScript_BenignScript_ReturnsLogsAndActionsWithApprovalRequirements()
    {
        // Arrange
        var id = (await CreateOkAsync("author-a", BenignSource)).Str("id");

        // Act
        var response = await RunAsync("author-a", id);

        // Assert
        Assert.Empty(response.Errors("runScript"));
        var run = response.At("data.runScript");
        Assert.True(run["succeeded"]!.GetValue<bool>(), run.ToJsonString());
        Assert.Equal(["suspicious process powershell.exe on ws-07"], run.At("logs").AsArray().Select(l => l!.GetValue<string>()));
        var actions = run.At("requestedActions").AsArray();
        Assert.Equal(("ISOLATE_DEVICE", "dev-7", true), (actions[0]!.Str("actionType"), actions[0]!.Str("target"), actions[0]!["requiresApproval"]!.GetValue<bool>()));
        Assert.Equal(("KILL_PROCESS", "4242", false), (actions[1]!.Str("actionType"), actions[1]!.Str("target"), actions[1]!["requiresApproval"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task RunScript_RequestApproval_DestructiveActionWaitsForADifferentApprover()
    {
        // Arrange
        var id = (await CreateOkAsync("admin", BenignSource)).Str("id");

        // Act
        var response = await api.GraphQLAsync("admin", """
            mutation($id: ID!, $e: JSON!) { runScript(input: { scriptId: $id, eventJson: $e, organizationId: "org-a", requestApproval: true }) {
              succeeded approvalRequest { id status requestedBy proposedActions } errors { code } } }
            """, new { id, e = Event });
        var request = response.At("data.runScript.approvalRequest");
        var self = await api.GraphQLAsync("admin", "mutation($id: ID!) { approveRequest(input: { id: $id }) { errors { code } } }", new { id = request.Str("id") });
        var other = await api.GraphQLAsync("approver-a", "mutation($id: ID!) { approveRequest(input: { id: $id }) { approvalRequest { status decidedBy } errors { code } } }", new { id = request.Str("id") });

        // Assert
        Assert.Equal("PENDING", request.Str("status"));
        Assert.Equal("admin", request.Str("requestedBy"));
        Assert.Contains("ISOLATE_DEVICE", request.At("proposedActions").ToJsonString());
        Assert.DoesNotContain("KILL_PROCESS", request.At("proposedActions").ToJsonString());
        Assert.Equal("DUAL_CONTROL", self.Errors("approveRequest").Single()!.Str("code"));
        Assert.Equal("APPROVED", other.Str("data.approveRequest.approvalRequest.status"));
        Assert.Equal("approver-a", other.Str("data.approveRequest.approvalRequest.decidedBy"));
    }

    [Fact]
    public async Task RunScript_InfiniteLoop_FailsWithTimeLimitAndServerStillAnswers()
    {
        // Arrange
        var id = (await CreateOkAsync("author-a", "var i = 0;\nwhile (true) { i++; }")).Str("id");

        // Act
        var response = await RunAsync("author-a", id);

        // Assert
        var run = response.At("data.runScript");
        Assert.False(run["succeeded"]!.GetValue<bool>());
        Assert.Contains("time limit", run.Str("error"));
        var after = await api.GraphQLAsync("author-a", "{ scripts { id } }");
        Assert.Contains(after.At("data.scripts").AsArray(), s => s!.Str("id") == id);
    }

    [Fact]
    public async Task RunScript_Viewer_Forbidden()
    {
        // Act
        var response = await RunAsync("viewer", "script-none");

        // Assert
        Assert.Equal("FORBIDDEN", response.Str("errors.0.extensions.code"));
    }
}
