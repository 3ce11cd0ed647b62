using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Respond.Server.Tests.Features.Engine;
using Xunit.Abstractions;

namespace Respond.Server.Tests.Cluster;

/// <summary>
/// Issue 13: node A is killed with SIGKILL while it owns an evaluation partition with events it acknowledged but had not
/// evaluated, an action it was executing, a queued retry and a pending approval timeout; node B, already running on
/// the same PostgreSQL database, takes all of it over and every effect happens once.
/// </summary>
public sealed class NodeTakeoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Users = 4;
    private const int BurstCount = 5;
    private string? _database;
    private readonly List<RespondServerProcess> _nodes = [];

    private const string AlertPerEvent = """
        { "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.failed"] } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Failed sign-in {{user.id}}", "severity": "LOW" } } ],
          "edges": [ { "from": "trigger", "to": "alert" } ] }
        """;

    private const string BurstPerUser = """
        { "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.failed"] } },
            { "id": "burst", "type": "condition.threshold", "config": { "groupBy": ["user.id"], "count": 5, "window": "PT10M" } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Burst for {{user.id}}", "severity": "MEDIUM" } } ],
          "edges": [ { "from": "trigger", "to": "burst" }, { "from": "burst", "to": "alert", "port": "true" } ] }
        """;

    private const string SuppressedForAnHour = """
        { "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.failed"] } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Sign-in failures are happening", "severity": "HIGH", "suppressFor": "PT1H" } } ],
          "edges": [ { "from": "trigger", "to": "alert" } ] }
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
            // The application name tells the test which node a database session belongs to.
            ["ConnectionStrings__Respond"] = new NpgsqlConnectionStringBuilder(_database) { ApplicationName = name }.ConnectionString,
            ["Respond__Connectors__AllowSimulated"] = "true",
            ["Respond__Cluster__CheckinInterval"] = "00:00:01",
            ["Respond__Cluster__CheckinMisfireThreshold"] = "00:00:02",
            ["Respond__Cluster__LeaseDuration"] = "00:00:03",
            ["Respond__Cluster__LeaseRenewInterval"] = "00:00:01",
            // The retry and the approval timeout come due after the kill (the test checks they are still pending then).
            ["Respond__Actions__RetryBaseDelay"] = "00:00:25",
            ["Respond__Approvals__DefaultTimeout"] = "00:00:30",
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

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var db = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        return await command.ExecuteScalarAsync();
    }

    private async Task<long> LongAsync(string sql) => Convert.ToInt64(await ScalarAsync(sql) ?? 0L, System.Globalization.CultureInfo.InvariantCulture);

    private async Task<Dictionary<string, string>> LeaseHoldersAsync()
    {
        await using var db = await OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "OrganizationId", "NodeId" FROM "PartitionLeases" WHERE "NodeId" <> '' """, db);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, string>();
        while (await reader.ReadAsync()) rows[reader.GetString(0)] = reader.GetString(1);
        return rows;
    }

    /// <summary>org-a's evaluation: (checkpoint, the log's head, events stored, parked events).</summary>
    private async Task<(long Checkpoint, long Head, long Stored, long Parked)> EvaluationOfOrgAAsync() => (
        await LongAsync("""SELECT COALESCE(MAX("Sequence"), 0) FROM "EvaluationCheckpoints" WHERE "OrganizationId" = 'org-a'"""),
        await LongAsync("""SELECT COALESCE(MAX("Sequence"), 0) FROM "Events" WHERE "OrganizationId" = 'org-a'"""),
        await LongAsync("""SELECT COUNT(*) FROM "Events" WHERE "OrganizationId" = 'org-a'"""),
        await LongAsync("""SELECT COUNT(*) FROM "ParkedEvents" WHERE "OrganizationId" = 'org-a'"""));

    private async Task<Dictionary<string, long>> AlertsByTitleAsync()
    {
        await using var db = await OpenAsync();
        await using var command = new NpgsqlCommand("""SELECT "Title", COUNT(*) FROM "Alerts" WHERE "OrganizationId" = 'org-a' GROUP BY "Title" """, db);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, long>();
        while (await reader.ReadAsync()) rows[reader.GetString(0)] = reader.GetInt64(1);
        return rows;
    }

    private static Task<JsonObject> ActionAsync(HttpClient http, string id) =>
        RespondServerProcess.GraphQLAsync(http, "query($id: ID!) { responseAction(id: $id) { status attempts failureReason timeline { status } } }", new { id })
            .ContinueWith(t => t.Result["responseAction"]!.AsObject(), TaskScheduler.Default);

    private static async Task<string> SubmitAsync(HttpClient http, string organization, string type, string target)
    {
        var submitted = await RespondServerProcess.GraphQLAsync(http, $$"""
            mutation { submitResponseAction(input: { organizationId: "{{organization}}", type: {{type}}, target: {{target}}, justification: "Containment of incident 44." }) {
              responseAction { id } errors { code message } } }
            """);
        return submitted["submitResponseAction"]!["responseAction"]!["id"]!.GetValue<string>();
    }

    /// <summary>One event for each user per round: every user's burst spans the rounds, so it needs the windows handed over.</summary>
    private static async Task PostRoundsAsync(HttpClient http, params int[] rounds)
    {
        var events = rounds.SelectMany(round => Enumerable.Range(0, Users).Select(user => EngineScenario.Event($"r{round}-u{user}", user: $"u-{user}")));
        (await http.PostAsJsonAsync("api/events", events)).EnsureSuccessStatusCode();
    }

    private static string Statuses(JsonObject action) => string.Join(",", action["timeline"]!.AsArray().Select(t => t!["status"]!.GetValue<string>()));

    [SkippableFact]
    public async Task NodeKilledWithSigkill_OwningPartitionActionsAndApprovalTimeout_TheLivingNodeTakesAllOver_EachEffectOnce()
    {
        _database = PostgreSqlTestServer.CreateDatabase();
        var a = await StartNodeAsync("node-a");
        var nodeA = $"-{a.ProcessId}-";
        await SharedDatabaseWait.UntilAsync(_database!, LeaseHoldersAsync, h => h.Count == 2 && h.Values.All(n => n.Contains(nodeA, StringComparison.Ordinal)), "Node A leasing both organizations");
        using var throughA = await a.ClientAsync();
        await RespondServerProcess.GraphQLAsync(throughA, $"mutation {{ turnOnRespond(input: {{ acknowledgedTerms: {EngineScenario.AllTerms} }}) {{ errors {{ code }} }} }}");
        await RespondServerProcess.GraphQLAsync(throughA, """
            mutation {
              a: connectOrganization(input: { organizationId: "org-a", connector: SIMULATED, settings: { transientFailures: 1 } }) { errors { code } }
              b: connectOrganization(input: { organizationId: "org-b", connector: SIMULATED, settings: { delayMs: 600000 } }) { errors { code } }
              ta: testConnection(input: { organizationId: "org-a" }) { organization { connectionStatus } }
              tb: testConnection(input: { organizationId: "org-b" }) { organization { connectionStatus } } }
            """);
        await RespondServerProcess.CreateActiveRuleAsync(throughA, "per event", AlertPerEvent, "org-a");
        await RespondServerProcess.CreateActiveRuleAsync(throughA, "burst", BurstPerUser, "org-a");
        await RespondServerProcess.CreateActiveRuleAsync(throughA, "suppressed", SuppressedForAnHour, "org-a");

        // Executing on A (the only node) when A dies: its connector call never returns.
        var executing = await SubmitAsync(throughA, "org-b", "KILL_PROCESS", "{ deviceId: \"dev-2\", processId: 4242 }");
        await SharedDatabaseWait.UntilAsync(_database!, () => ActionAsync(throughA, executing), x => x["status"]!.GetValue<string>() == "EXECUTING", "Node A executing the org-b action");

        // B joins: A keeps org-a (it gives up its surplus from the end of the ordered list), B takes org-b.
        var b = await StartNodeAsync("node-b");
        var nodeB = $"-{b.ProcessId}-";
        await SharedDatabaseWait.UntilAsync(_database!, LeaseHoldersAsync, h => h.Count == 2 && h["org-a"].Contains(nodeA, StringComparison.Ordinal) && h["org-b"].Contains(nodeB, StringComparison.Ordinal),
            "A holding org-a and B org-b");
        using var throughB = await b.ClientAsync();
        Assert.Equal("EXECUTING", (await ActionAsync(throughB, executing))["status"]!.GetValue<string>());

        // A retry queued for after the kill, and an approval request whose timeout comes due after it.
        var retried = await SubmitAsync(throughA, "org-a", "KILL_PROCESS", "{ deviceId: \"dev-1\", processId: 999 }");
        await SharedDatabaseWait.UntilAsync(_database!, () => ActionAsync(throughA, retried), x => x["status"]!.GetValue<string>() == "QUEUED" && x["attempts"]!.GetValue<int>() == 1, "The first attempt failing transiently");
        var gated = await SubmitAsync(throughA, "org-a", "ISOLATE_DEVICE", "{ deviceId: \"dev-7\" }");

        // Round 1 is evaluated by A; rounds 2 and 3 are acknowledged by A but A's unit is held at its checkpoint write.
        await PostRoundsAsync(throughA, 1);
        await SharedDatabaseWait.UntilAsync(_database!, EvaluationOfOrgAAsync, e => e.Stored == Users && e.Checkpoint == e.Head, "Node A evaluating round 1");
        await using var gate = await OpenAsync();
        await using (var hold = new NpgsqlCommand("""
            SELECT pg_advisory_lock(4343);
            CREATE FUNCTION hold_node_a() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
              IF current_setting('application_name') = 'node-a' THEN PERFORM pg_advisory_xact_lock(4343); END IF; RETURN NEW; END $$;
            CREATE TRIGGER hold_node_a BEFORE INSERT OR UPDATE ON "EvaluationCheckpoints" FOR EACH ROW EXECUTE FUNCTION hold_node_a();
            """, gate)) await hold.ExecuteNonQueryAsync();
        await PostRoundsAsync(throughA, 2, 3);
        await SharedDatabaseWait.UntilAsync(_database!,
            async () => await ScalarAsync("SELECT application_name FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'") as string ?? "",
            name => name == "node-a", "Node A evaluating rounds 2 and 3");
        var held = await EvaluationOfOrgAAsync();
        Assert.Equal(3 * Users, held.Stored);
        Assert.True(held.Checkpoint < held.Head, $"Rounds 2 and 3 are stored but not evaluated: checkpoint {held.Checkpoint}, head {held.Head}.");
        var pendingRetry = await ActionAsync(throughB, retried);
        Assert.Equal(("QUEUED", 1), (pendingRetry["status"]!.GetValue<string>(), pendingRetry["attempts"]!.GetValue<int>()));
        Assert.Equal("PENDING_APPROVAL", (await ActionAsync(throughB, gated))["status"]!.GetValue<string>());

        await a.KillAsync();
        var killed = Stopwatch.StartNew();
        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock(4343)", gate)) await release.ExecuteNonQueryAsync();
        await PostRoundsAsync(throughB, 4, 5);

        var evaluated = await SharedDatabaseWait.UntilAsync(_database!, EvaluationOfOrgAAsync, e => e.Stored == 5 * Users && e.Checkpoint == e.Head, "Node B evaluating org-a to the log's head");
        output.WriteLine($"org-a evaluated to the head by node B {killed.Elapsed.TotalSeconds:0.0} s after the kill");
        Assert.Contains(nodeB, (await LeaseHoldersAsync())["org-a"], StringComparison.Ordinal);
        var interrupted = await SharedDatabaseWait.UntilAsync(_database!, () => ActionAsync(throughB, executing), x => x["status"]!.GetValue<string>() == "FAILED", "The interrupted execution settling");
        output.WriteLine($"the interrupted execution settled {killed.Elapsed.TotalSeconds:0.0} s after the kill");
        var done = await SharedDatabaseWait.UntilAsync(_database!, () => ActionAsync(throughB, retried), x => x["status"]!.GetValue<string>() == "COMPLETED", "The queued retry running");
        var expired = await SharedDatabaseWait.UntilAsync(_database!, () => ActionAsync(throughB, gated), x => x["status"]!.GetValue<string>() == "CANCELLED", "The approval timeout firing");
        var alerts = await AlertsByTitleAsync();

        // Every event evaluated once: an alert per event, one burst per user (its five events spread over both owners),
        // one alert of the suppressing rule, none parked.
        Assert.Equal(0, evaluated.Parked);
        var expectedAlerts = Enumerable.Range(0, Users).SelectMany(u => new[] { ($"Failed sign-in u-{u}", 5L), ($"Burst for u-{u}", 5L / BurstCount) })
            .Append(("Sign-in failures are happening", 1L)).ToDictionary(t => t.Item1, t => t.Item2);
        Assert.Equal(expectedAlerts.OrderBy(p => p.Key), alerts.OrderBy(p => p.Key));
        // The execution A was in the middle of is not run again (its outcome is unknown); it was not failed while A lived.
        Assert.Equal("QUEUED,EXECUTING,FAILED", Statuses(interrupted));
        Assert.Equal(1, interrupted["attempts"]!.GetValue<int>());
        Assert.Contains("outcome is unknown", interrupted["failureReason"]!.GetValue<string>(), StringComparison.Ordinal);
        // The queued retry ran once, on B.
        Assert.Equal(2, done["attempts"]!.GetValue<int>());
        Assert.Equal("QUEUED,EXECUTING,QUEUED,EXECUTING,COMPLETED", Statuses(done));
        // The approval timeout fired once: the request expired once, its action was cancelled once.
        Assert.Equal("PENDING_APPROVAL,CANCELLED", Statuses(expired));
        var requests = await RespondServerProcess.GraphQLAsync(throughB, "{ approvalRequests(first: 10) { edges { node { status } } } }");
        Assert.Equal(["EXPIRED"], requests["approvalRequests"]!["edges"]!.AsArray().Select(e => e!["node"]!["status"]!.GetValue<string>()));
    }
}
