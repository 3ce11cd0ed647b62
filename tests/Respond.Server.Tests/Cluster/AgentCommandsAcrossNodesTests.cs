using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Respond.Server.Persistence;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Cluster;

/// <summary>
/// Issue 13: an endpoint agent keeps its channel to one node; an action executed by another node reaches it through
/// that node (a relayed command row and cluster notices on PostgreSQL). Two real server processes; node A's scheduler is
/// kept from firing jobs (its inserts into qrtz_fired_triggers are refused), so every action runs on node B.
/// </summary>
public sealed class AgentCommandsAcrossNodesTests : IAsyncLifetime
{
    private string? _database;
    private readonly List<RespondServerProcess> _nodes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        if (_database is not null) await PostgreSqlTestServer.DropDatabaseAsync(_database);
    }

    private async Task<RespondServerProcess> StartNodeAsync(string name)
    {
        var node = await RespondServerProcess.StartAsync(Directory.CreateTempSubdirectory("respond-node-").FullName, new Dictionary<string, string>
        {
            ["Respond__Database__Provider"] = "PostgreSql",
            ["ConnectionStrings__Respond"] = new NpgsqlConnectionStringBuilder(_database) { ApplicationName = name }.ConnectionString,
            ["Respond__Cluster__CheckinInterval"] = "00:00:01",
            ["Respond__Cluster__CheckinMisfireThreshold"] = "00:00:02",
            ["Respond__Cluster__LeaseDuration"] = "00:00:03",
            ["Respond__Cluster__LeaseRenewInterval"] = "00:00:01",
            ["Respond__Actions__VerificationDelay"] = "01:00:00",
            ["Respond__Actions__RetryBaseDelay"] = "00:10:00",
        });
        _nodes.Add(node);
        return node;
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var db = new NpgsqlConnection(_database);
        await db.OpenAsync();
        return db;
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var db = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<object?> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var db = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Nodes A and B on one database, A firing no jobs, org-a acting through ENDPOINT_AGENT; returns clients of A and B.</summary>
    private async Task<(RespondServerProcess A, RespondServerProcess B, HttpClient ThroughA, HttpClient ThroughB)> TwoNodesAsync()
    {
        _database = PostgreSqlTestServer.CreateDatabase();
        var a = await StartNodeAsync("node-a");
        var b = await StartNodeAsync("node-b");
        await ExecuteAsync("""
            CREATE FUNCTION refuse_node_a() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
              IF current_setting('application_name') = 'node-a' THEN RAISE EXCEPTION 'node A fires no jobs in this test'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER refuse_node_a BEFORE INSERT ON qrtz_fired_triggers FOR EACH ROW EXECUTE FUNCTION refuse_node_a();
            """);
        var throughA = await a.ClientAsync();
        var throughB = await b.ClientAsync();
        await RespondServerProcess.GraphQLAsync(throughA, $"mutation {{ turnOnRespond(input: {{ acknowledgedTerms: {EngineScenario.AllTerms} }}) {{ errors {{ code }} }} }}");
        await RespondServerProcess.GraphQLAsync(throughA, "mutation { connectOrganization(input: { organizationId: \"org-a\", connector: ENDPOINT_AGENT, settings: { commandTimeoutSeconds: 20 } }) { errors { code } } }");
        return (a, b, throughA, throughB);
    }

    /// <summary>Enrols an agent for <paramref name="deviceId"/> and opens its channel to <paramref name="node"/>, as the agent does.</summary>
    private static async Task<ClientWebSocket> ConnectAgentAsync(RespondServerProcess node, HttpClient admin, string deviceId)
    {
        var token = (await RespondServerProcess.GraphQLAsync(admin, "mutation { createAgentEnrollmentToken(input: { organizationId: \"org-a\" }) { token } }"))
            ["createAgentEnrollmentToken"]!["token"]!.GetValue<string>();
        using var anonymous = new HttpClient { BaseAddress = node.BaseAddress };
        var enrolled = await (await anonymous.PostAsJsonAsync("api/agents/enroll", new { token, deviceId, hostname = deviceId + ".example", os = "Linux test" }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>();
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{enrolled!["agentId"]}:{enrolled["agentSecret"]}")));
        await socket.ConnectAsync(new Uri(new Uri(node.BaseAddress.ToString().Replace("http", "ws", StringComparison.Ordinal)), "api/agents/connect"), CancellationToken.None);
        return socket;
    }

    /// <summary>The connection is tested (HEALTHY: an agent was seen), as actions need.</summary>
    private static Task TestConnectionAsync(HttpClient http) =>
        RespondServerProcess.GraphQLAsync(http, "mutation { testConnection(input: { organizationId: \"org-a\" }) { organization { connectionStatus } } }");

    private async Task<string> ConnectedNodeAsync(string deviceId) =>
        await ScalarAsync("""SELECT COALESCE("ConnectedNodeId", '') FROM "Agents" WHERE "DeviceId" = @d""", ("d", deviceId)) as string ?? "";

    private static async Task<JsonObject?> ReceiveAsync(WebSocket socket, TimeSpan within)
    {
        var buffer = new byte[64 * 1024];
        using var limit = new CancellationTokenSource(within);
        try
        {
            var result = await socket.ReceiveAsync(buffer, limit.Token);
            return JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, result.Count))!.AsObject();
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static Task SendAsync(WebSocket socket, object message) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<string> SubmitAsync(HttpClient http, string organization, string deviceId)
    {
        var submitted = await RespondServerProcess.GraphQLAsync(http, $$"""
            mutation { submitResponseAction(input: { organizationId: "{{organization}}", type: KILL_PROCESS, target: { deviceId: "{{deviceId}}", processId: 4242 }, justification: "Containment of incident 45." }) {
              responseAction { id } errors { code message } } }
            """);
        return submitted["submitResponseAction"]!["responseAction"]!["id"]!.GetValue<string>();
    }

    private static async Task<JsonObject> ActionAsync(HttpClient http, string id) =>
        (await RespondServerProcess.GraphQLAsync(http, "query($id: ID!) { responseAction(id: $id) { status attempts result failureReason timeline { status reason } } }", new { id }))["responseAction"]!.AsObject();

    [SkippableFact]
    public async Task AgentConnectedToA_ActionSubmittedThroughB_TheAgentGetsTheCommandOnce_ActionCompletesWithItsResult()
    {
        var (a, _, throughA, throughB) = await TwoNodesAsync();
        using var agent = await ConnectAgentAsync(a, throughA, "dev-relay");
        await SharedDatabaseWait.UntilAsync(_database!, () => ConnectedNodeAsync("dev-relay"), n => n.Contains($"-{a.ProcessId}-", StringComparison.Ordinal), "The agent's row naming node A");
        await TestConnectionAsync(throughA);

        var id = await SubmitAsync(throughB, "org-a", "dev-relay");
        var command = await ReceiveAsync(agent, TimeSpan.FromMinutes(1)) ?? throw new Xunit.Sdk.XunitException("The agent on node A received no command.");
        await SendAsync(agent, new { type = "ack", commandId = command["commandId"]!.GetValue<string>() });
        await SendAsync(agent, new { type = "result", commandId = command["commandId"]!.GetValue<string>(), succeeded = true, details = "Killed PID 4242.", facts = new { pid = 4242 } });
        var done = await SharedDatabaseWait.UntilAsync(_database!, () => ActionAsync(throughB, id), x => x["status"]!.GetValue<string>() is "COMPLETED" or "FAILED", "The action ending");

        Assert.Equal(("execute", "KILL_PROCESS", id, 4242), (command["kind"]!.GetValue<string>(), command["actionType"]!.GetValue<string>(),
            command["actionId"]!.GetValue<string>(), command["target"]!["processId"]!.GetValue<int>()));
        Assert.Equal("COMPLETED", done["status"]!.GetValue<string>());
        Assert.Equal(1, done["attempts"]!.GetValue<int>());
        Assert.Contains("Killed PID 4242.", done["result"]!.ToJsonString(), StringComparison.Ordinal);
        // Once: the relayed row is gone and nothing else reached the agent.
        Assert.Equal(0L, await ScalarAsync("""SELECT COUNT(*) FROM "RelayedAgentCommands" """));
        await SendAsync(agent, new { type = "heartbeat" });
        Assert.Null(await ReceiveAsync(agent, TimeSpan.FromSeconds(1)));
    }

    [SkippableFact]
    public async Task AgentDisconnectedFromA_ActionThroughB_FailsTransientlyAndIsRetried_NoHang()
    {
        var (a, _, throughA, throughB) = await TwoNodesAsync();
        using (var agent = await ConnectAgentAsync(a, throughA, "dev-gone"))
        {
            await SharedDatabaseWait.UntilAsync(_database!, () => ConnectedNodeAsync("dev-gone"), n => n.Length > 0, "The agent's row naming node A");
            await agent.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }
        await SharedDatabaseWait.UntilAsync(_database!, () => ConnectedNodeAsync("dev-gone"), n => n.Length == 0, "Node A clearing the agent's node on disconnect");
        await TestConnectionAsync(throughA);

        var id = await SubmitAsync(throughB, "org-a", "dev-gone");
        var queued = await SharedDatabaseWait.UntilAsync(_database!, () => ActionAsync(throughB, id), x => x["attempts"]!.GetValue<int>() == 1 && x["status"]!.GetValue<string>() != "EXECUTING", "The first attempt ending");

        Assert.Equal("QUEUED", queued["status"]!.GetValue<string>());
        Assert.Contains("agent offline", queued["timeline"]!.AsArray().Last()!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Retrying", queued["timeline"]!.AsArray().Last()!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ForgedRelayedCommand_NamingAnActionNotOfTheAgentsOrganization_IsRefusedByTheHoldingNode_TheAgentGetsNothing()
    {
        var (a, _, throughA, _) = await TwoNodesAsync();
        using var agent = await ConnectAgentAsync(a, throughA, "dev-forged");
        var nodeOfA = await SharedDatabaseWait.UntilAsync(_database!, () => ConnectedNodeAsync("dev-forged"), n => n.Length > 0, "The agent's row naming node A");
        // A relayed command for org-a's agent naming an action that is not org-a's (another tenant's id), written straight
        // into the database with its notice, as a hostile or broken node would.
        const string foreign = "act-of-org-b";
        var message = JsonSerializer.Serialize(new
        {
            commandId = "cmd-forged", actionId = foreign, kind = "execute", actionType = "KILL_PROCESS", target = new { deviceId = "dev-forged", processId = 1 }, parameters = new { },
            type = "command",
        });
        await ExecuteAsync("""
            INSERT INTO "RelayedAgentCommands" ("Id", "OrganizationId", "DeviceId", "ActionId", "NodeId", "MessageJson", "TimeoutSeconds", "CreatedAt")
            VALUES ('cmd-forged', 'org-a', 'dev-forged', @action, @node, @message, 5, 0);
            SELECT pg_notify('respond_changes', 'hostile-node|AgentCommandRelayed|cmd-forged');
            """, ("action", foreign), ("node", nodeOfA), ("message", message));

        var answer = await SharedDatabaseWait.UntilAsync(_database!, async () => await ScalarAsync("""SELECT "AnswerJson" FROM "RelayedAgentCommands" WHERE "Id" = 'cmd-forged'""") as string ?? "",
            json => json.Length > 0, "Node A answering the forged command");

        Assert.Contains("refused", answer, StringComparison.Ordinal);
        Assert.Contains("org-a", answer, StringComparison.Ordinal);
        // The refusal is audited, in the organization whose agent the command addressed.
        var audited = await ScalarAsync(
            "SELECT \"Organizations\" FROM \"AuditEntries\" WHERE \"Action\" = 'agent.command.refused' AND \"SubjectId\" = @action", ("action", foreign)) as string;
        Assert.Equal(OrganizationScope.Encode(["org-a"]), audited);
        await SendAsync(agent, new { type = "heartbeat" });
        Assert.Null(await ReceiveAsync(agent, TimeSpan.FromSeconds(1)));
    }
}
