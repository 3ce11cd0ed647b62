using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Cluster;

/// <summary>
/// Two real server processes on one PostgreSQL database: what one node commits reaches GraphQL subscribers on the
/// other through LISTEN/NOTIFY, once (issue 13).
/// </summary>
public sealed class CrossNodeEventsTests : IAsyncLifetime
{
    private const string ApproverId = "cluster-approver";
    private string? _database;
    private readonly List<RespondServerProcess> _nodes = [];

    private const string MatchEverySignIn = """
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.failed"] } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Failed sign-in {{user.id}}", "severity": "LOW" } }
          ],
          "edges": [ { "from": "trigger", "to": "alert" } ]
        }
        """;

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
            ["Respond__Connectors__AllowSimulated"] = "true",
            ["Respond__Cluster__LeaseDuration"] = "00:00:03",
            ["Respond__Cluster__LeaseRenewInterval"] = "00:00:01",
            ["Respond__Bootstrap__Clients__1__ClientId"] = ApproverId,
            ["Respond__Bootstrap__Clients__1__ClientSecret"] = RespondServerProcess.ClientSecret,
            ["Respond__Bootstrap__Clients__1__Roles__0"] = "Approver",
            ["Respond__Bootstrap__Clients__1__Organizations__0"] = "*",
        });
        _nodes.Add(node);
        return node;
    }

    /// <summary>Which node's process holds each organization's lease (node ids carry the process id).</summary>
    private async Task<Dictionary<string, string>> LeaseHoldersAsync()
    {
        await using var db = new NpgsqlConnection(_database);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "OrganizationId", "NodeId" FROM "PartitionLeases" WHERE "NodeId" <> '' """, db);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, string>();
        while (await reader.ReadAsync()) rows[reader.GetString(0)] = reader.GetString(1);
        return rows;
    }

    /// <summary>Both nodes started and each holds one of the two organizations; returns (owner of org-a, the other).</summary>
    private async Task<(RespondServerProcess Owner, RespondServerProcess Other)> TwoNodesSplitAsync()
    {
        _database = PostgreSqlTestServer.CreateDatabase();
        var a = await StartNodeAsync("node-a");
        using (var http = await a.ClientAsync())
            await RespondServerProcess.GraphQLAsync(http, $"mutation {{ turnOnRespond(input: {{ acknowledgedTerms: {EngineScenario.AllTerms} }}) {{ errors {{ code }} }} }}");
        var b = await StartNodeAsync("node-b");
        var holders = await SharedDatabaseWait.UntilAsync(_database!, LeaseHoldersAsync, h => h.Count == 2 && h.Values.Distinct().Count() == 2, "The two nodes splitting the partitions");
        return holders["org-a"].Contains($"-{a.ProcessId}-", StringComparison.Ordinal) ? (a, b) : (b, a);
    }

    private static async Task<string> TokenAsync(RespondServerProcess node, string clientId = RespondServerProcess.ClientId)
    {
        using var http = new HttpClient { BaseAddress = node.BaseAddress };
        var response = await http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = RespondServerProcess.ClientSecret,
        }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
    }

    private static async Task PostEventsAsync(HttpClient http, params string[] ids)
    {
        var response = await http.PostAsJsonAsync("api/events", ids.Select(id => EngineScenario.Event(id, user: id)));
        response.EnsureSuccessStatusCode();
    }

    [SkippableFact]
    public async Task EventsSentToTheOwningNode_AlertsReachASubscriberOnTheOtherNode_EachOnce()
    {
        var (owner, other) = await TwoNodesSplitAsync();
        using var throughOwner = await owner.ClientAsync();
        using var throughOther = await other.ClientAsync();
        // Made through the other node: the owner learns of the rule through the database's notice, not a restart.
        var rule = await RespondServerProcess.CreateActiveRuleAsync(throughOther, "cluster", MatchEverySignIn, "org-a");
        await using var subscriber = await GraphQLWebSocketClient.ConnectAsync(other.BaseAddress.ToString(), await TokenAsync(other));
        await subscriber.SubscribeAsync("alerts", "subscription { alertRaised(organizationId: \"org-a\") { title organizationId } }");
        await using var local = await GraphQLWebSocketClient.ConnectAsync(owner.BaseAddress.ToString(), await TokenAsync(owner));
        await local.SubscribeAsync("alerts", "subscription { alertRaised(organizationId: \"org-a\") { title } }");
        Assert.Equal("pong", await subscriber.PingAsync());
        Assert.Equal("pong", await local.PingAsync());

        // The rule reaches the owner's index asynchronously: send until its first alert is stored, then the rest. (Waiting
        // on the subscriber instead would cancel a socket receive, which aborts the WebSocket.)
        await SharedDatabaseWait.UntilAsync(_database!, async () =>
        {
            await PostEventsAsync(throughOwner, "probe-" + Guid.NewGuid().ToString("N")[..6]);
            return (await RespondServerProcess.GraphQLAsync(throughOther, "{ alerts(first: 1) { items { title } } }"))["alerts"]!["items"]!.AsArray().Count;
        }, count => count > 0, "The owner raising the first alert");
        await PostEventsAsync(throughOwner, "u-1", "u-2", "u-3");
        await PostEventsAsync(throughOwner, "u-last");

        var seenOnOther = await TitlesUntilAsync(subscriber, "Failed sign-in u-last");
        var seenOnOwner = await TitlesUntilAsync(local, "Failed sign-in u-last");

        // Once each (no echo of the owner's own publish, no second delivery) and in log order.
        string[] expected = ["Failed sign-in u-1", "Failed sign-in u-2", "Failed sign-in u-3", "Failed sign-in u-last"];
        Assert.Equal(seenOnOther.Count, seenOnOther.Distinct().Count());
        Assert.Equal(expected, seenOnOther.Where(t => !t.Contains("probe-", StringComparison.Ordinal)));
        Assert.Equal(seenOnOwner.Count, seenOnOwner.Distinct().Count());
        Assert.Equal(expected, seenOnOwner.Where(t => !t.Contains("probe-", StringComparison.Ordinal)));
    }

    private static async Task<List<string>> TitlesUntilAsync(GraphQLWebSocketClient subscriber, string last)
    {
        var titles = new List<string>();
        while (titles.LastOrDefault() != last) titles.Add((await subscriber.NextAsync("alerts", 60))!["alertRaised"]!["title"]!.GetValue<string>());
        return titles;
    }

    [SkippableFact]
    public async Task ApprovalRequestedThroughOneNode_DecidedThroughTheOther_SubscribersOnBothSeeIt_ActionRunsOnce()
    {
        var (a, b) = await TwoNodesSplitAsync();
        using var throughA = await a.ClientAsync();
        await RespondServerProcess.GraphQLAsync(throughA, "mutation { connectOrganization(input: { organizationId: \"org-a\", connector: SIMULATED, settings: {} }) { errors { code } } testConnection(input: { organizationId: \"org-a\" }) { organization { connectionStatus } } }");
        await using var onA = await GraphQLWebSocketClient.ConnectAsync(a.BaseAddress.ToString(), await TokenAsync(a));
        await onA.SubscribeAsync("decided", "subscription { approvalDecided { id status } }");
        await using var onB = await GraphQLWebSocketClient.ConnectAsync(b.BaseAddress.ToString(), await TokenAsync(b));
        await onB.SubscribeAsync("requested", "subscription { approvalRequested { id } }");
        // Messages on one socket are handled in order: the pong says both subscriptions are registered.
        Assert.Equal("pong", await onA.PingAsync());
        Assert.Equal("pong", await onB.PingAsync());

        var submitted = await RespondServerProcess.GraphQLAsync(throughA, """
            mutation { submitResponseAction(input: { organizationId: "org-a", type: ISOLATE_DEVICE, target: { deviceId: "dev-9" }, justification: "Containment of incident 43." }) {
              responseAction { id status } approvalRequest { id } errors { code message } } }
            """);
        var requestId = submitted["submitResponseAction"]!["approvalRequest"]!["id"]!.GetValue<string>();
        var actionId = submitted["submitResponseAction"]!["responseAction"]!["id"]!.GetValue<string>();
        var requestedOnB = await onB.TryNextAsync("requested", TimeSpan.FromSeconds(60))
            ?? throw new Xunit.Sdk.XunitException("approvalRequested did not reach node B.\nA:\n" + a.Output + "\nB:\n" + b.Output);
        await onB.SubscribeAsync("action", $"subscription {{ responseActionUpdated(id: \"{actionId}\") {{ status }} }}");
        Assert.Equal("pong", await onB.PingAsync());
        using var throughB = new HttpClient { BaseAddress = b.BaseAddress };
        throughB.DefaultRequestHeaders.Authorization = new("Bearer", await TokenAsync(b, ApproverId));
        var decided = await RespondServerProcess.GraphQLAsync(throughB, "mutation($id: ID!) { approveRequest(input: { id: $id }) { approvalRequest { status } errors { code message } } }", new { id = requestId });
        var decidedOnA = await onA.NextAsync("decided", 60);
        var statusesOnB = new List<string>();
        while (statusesOnB.LastOrDefault() != "COMPLETED") statusesOnB.Add((await onB.NextAsync("action", 60))!["responseActionUpdated"]!["status"]!.GetValue<string>());
        var action = await RespondServerProcess.GraphQLAsync(throughA, "query($id: ID!) { responseAction(id: $id) { status timeline { status } } }", new { id = actionId });

        Assert.Equal(requestId, requestedOnB!["approvalRequested"]!["id"]!.GetValue<string>());
        Assert.Equal("APPROVED", decided["approveRequest"]!["approvalRequest"]!["status"]!.GetValue<string>());
        Assert.Equal((requestId, "APPROVED"), (decidedOnA!["approvalDecided"]!["id"]!.GetValue<string>(), decidedOnA["approvalDecided"]!["status"]!.GetValue<string>()));
        Assert.Equal(statusesOnB.Count, statusesOnB.Distinct().Count());
        var timeline = action["responseAction"]!["timeline"]!.AsArray().Select(t => t!["status"]!.GetValue<string>()).ToList();
        Assert.Equal(1, timeline.Count(s => s == "EXECUTING"));
        Assert.Equal(1, timeline.Count(s => s == "COMPLETED"));
    }
}
