using Npgsql;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Cluster;

/// <summary>
/// Two real server processes on one PostgreSQL database share one clustered Quartz scheduler: a job that one node had
/// already taken (acquired for its due time) when it was killed with SIGKILL is taken over by the other and runs once.
/// </summary>
public sealed class ClusteredSchedulerTests : IAsyncLifetime
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
            // The application name tells the test which node a database session belongs to.
            ["ConnectionStrings__Respond"] = new NpgsqlConnectionStringBuilder(_database) { ApplicationName = name }.ConnectionString,
            ["Respond__Connectors__AllowSimulated"] = "true",
            ["Respond__Cluster__CheckinInterval"] = "00:00:01",
            ["Respond__Cluster__CheckinMisfireThreshold"] = "00:00:02",
            // Long enough for node B to start after the request was made through node A, short enough for the test.
            ["Respond__Approvals__DefaultTimeout"] = "00:00:30",
        });
        _nodes.Add(node);
        return node;
    }

    private async Task<List<(string Instance, string State)>> FiredTriggersAsync(string job)
    {
        await using var db = new NpgsqlConnection(_database);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT instance_name, state FROM qrtz_fired_triggers WHERE job_name = @job", db);
        command.Parameters.AddWithValue("job", job);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetString(1)));
        return rows;
    }

    private async Task<List<string>> CheckedInNodesAsync()
    {
        await using var db = new NpgsqlConnection(_database);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT instance_name FROM qrtz_scheduler_state ORDER BY instance_name", db);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var db = new NpgsqlConnection(_database);
        await db.OpenAsync();
        return db;
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection db, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, db);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await command.ExecuteScalarAsync();
    }

    [SkippableFact]
    public async Task ApprovalExpiry_NodeKilledWithSigkillWhileFiringIt_IsTakenOverByTheLivingNodeAndFiresOnce()
    {
        _database = PostgreSqlTestServer.CreateDatabase();
        var a = await StartNodeAsync("node-a");
        var idOfA = (await SharedDatabaseWait.UntilAsync(_database!, CheckedInNodesAsync, rows => rows.Count == 1, "Node A checking in")).Single();
        using var throughA = await a.ClientAsync();
        await RespondServerProcess.GraphQLAsync(throughA, $"mutation {{ turnOnRespond(input: {{ acknowledgedTerms: {EngineScenario.AllTerms} }}) {{ errors {{ code }} }} }}");
        await RespondServerProcess.GraphQLAsync(throughA, "mutation { connectOrganization(input: { organizationId: \"org-a\", connector: SIMULATED, settings: {} }) { errors { code } } testConnection(input: { organizationId: \"org-a\" }) { organization { connectionStatus } } }");
        var b = await StartNodeAsync("node-b");
        var idOfB = (await SharedDatabaseWait.UntilAsync(_database!, CheckedInNodesAsync, rows => rows.Count == 2, "Both nodes checking in")).Single(id => id != idOfA);

        // Whichever node fires the expiry is held in the database as it marks the firing EXECUTING (it waits for an
        // advisory lock the test holds), so the test can kill exactly that node in the middle of the firing.
        await using var gate = await OpenAsync();
        await ScalarAsync(gate, "SELECT pg_advisory_lock(4242)");
        var submitted = await RespondServerProcess.GraphQLAsync(throughA, """
            mutation { submitResponseAction(input: { organizationId: "org-a", type: ISOLATE_DEVICE, target: { deviceId: "dev-7" }, justification: "Containment of incident 42." }) {
              responseAction { id status } approvalRequest { id } errors { code message } } }
            """);
        Assert.Equal("PENDING_APPROVAL", submitted["submitResponseAction"]!["responseAction"]!["status"]!.GetValue<string>());
        var requestId = submitted["submitResponseAction"]!["approvalRequest"]!["id"]!.GetValue<string>();
        var actionId = submitted["submitResponseAction"]!["responseAction"]!["id"]!.GetValue<string>();
        await ScalarAsync(gate, $"""
            CREATE FUNCTION hold_firing() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock(4242); RETURN NEW; END $$;
            CREATE TRIGGER hold_firing BEFORE INSERT OR UPDATE ON qrtz_fired_triggers FOR EACH ROW
              WHEN (NEW.state = 'EXECUTING' AND NEW.job_name = '{requestId}') EXECUTE FUNCTION hold_firing();
            """);
        var held = (string)(await SharedDatabaseWait.UntilAsync(_database!,
            async () => await ScalarAsync(gate, "SELECT application_name FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'") ?? "",
            name => name is "node-a" or "node-b", "A node firing the expiry"));
        var (owner, survivor, idOfOwner) = held == "node-a" ? (a, b, idOfA) : (b, a, idOfB);

        await owner.KillAsync();
        await ScalarAsync(gate, "SELECT pg_advisory_unlock(4242)");

        using var throughSurvivor = await survivor.ClientAsync();
        var expired = await SharedDatabaseWait.UntilAsync(_database!,
            async () => (await RespondServerProcess.GraphQLAsync(throughSurvivor, "query($id: ID!) { responseAction(id: $id) { status timeline { status actor } } }", new { id = actionId }))["responseAction"]!,
            action => action["status"]!.GetValue<string>() == "CANCELLED", "The expiry firing on the living node");

        var requests = await RespondServerProcess.GraphQLAsync(throughSurvivor, "{ approvalRequests(first: 10) { edges { node { id status } } } }");
        Assert.Equal([(requestId, "EXPIRED")], requests["approvalRequests"]!["edges"]!.AsArray().Select(e => (e!["node"]!["id"]!.GetValue<string>(), e["node"]!["status"]!.GetValue<string>())));
        Assert.Equal(["PENDING_APPROVAL", "CANCELLED"], expired["timeline"]!.AsArray().Select(t => t!["status"]!.GetValue<string>()));
        Assert.DoesNotContain(idOfOwner, await CheckedInNodesAsync());
        // The survivor deletes the firing's row after the job's work has committed, so the CANCELLED action can be read
        // before the row is gone: wait for it to go (a firing left behind, e.g. run twice, never does).
        await SharedDatabaseWait.UntilAsync(_database!, () => FiredTriggersAsync(requestId), rows => rows.Count == 0, "The expiry's fired-trigger row being removed");
    }
}
