using System.Data.Common;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Features.Engine;
using Respond.Server.Persistence;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Tests.Features.Engine;

/// <summary>The event log and its evaluator: checkpoints, parking, partitions, backpressure (issue 12).</summary>
public abstract class EventLogEvaluatorTests(TestDatabase database)
{
    /// <summary>Throws for the events it is told to, as a bug or a broken dependency would, until fixed.</summary>
    private sealed class FaultyProbe : IEvaluationProbe
    {
        public volatile string? FailingEventId;

        public void BeforeEvaluate(WorkflowEvent e)
        {
            if (e.Id == FailingEventId) throw new InvalidOperationException($"injected fault for {e.Id}");
        }
    }

    private const string MatchEveryProcessRule = """
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["process.started"] } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Process {{process.name}}", "severity": "LOW" } }
          ],
          "edges": [ { "from": "trigger", "to": "alert" } ]
        }
        """;

    private static object Process(string id, string org = "org-a", string name = "p") => new
    {
        id,
        organizationId = org,
        source = "edr",
        type = "process.started",
        severity = "LOW",
        time = "2026-11-23T10:00:00Z",
        device = new { id = "dev-1" },
        process = new { name },
    };

    private static async Task<JsonArray> AlertsAsync(RespondApiFixture api, string ruleId) =>
        (await api.GraphQLAsync("admin", "query($r: ID) { alerts(where: { ruleId: $r }, first: 200) { edges { node { title organizationId groupKey count eventIds } } } }", new { r = ruleId }))
            .At("data.alerts.edges").AsArray();

    private static async Task<string> RuleOfEveryOrganizationAsync(RespondApiFixture api, string definition, string name)
    {
        var created = await api.GraphQLAsync("admin", "mutation($d: JSON!, $n: String!) { createRule(input: { name: $n, outcome: ALERT_ONLY, definition: $d }) { rule { id } errors { message } } }",
            new { d = JsonDocument.Parse(definition).RootElement, n = name });
        var rule = created.Str("data.createRule.rule.id");
        var activated = await api.GraphQLAsync("admin", "mutation($id: ID!) { activateRule(input: { id: $id }) { errors { code } } }", new { id = rule });
        Assert.Empty(activated.Errors("activateRule"));
        return rule;
    }

    [SkippableFact]
    public async Task Evaluate_EventKeepsThrowing_ParkedWithItsReasonAndTheRestGoOn()
    {
        var probe = new FaultyProbe { FailingEventId = "bad-2" };
        await using var api = RespondApiFixture.For(database).WithServices(s => s.AddSingleton<IEvaluationProbe>(probe));
        await api.TurnOnAsync();
        var rule = await api.ActiveRuleAsync(MatchEveryProcessRule);

        await api.PostEventsAsync("ingestor-a", Enumerable.Range(0, 5).Select(i => Process($"bad-{i}")));

        var alerts = await AlertsAsync(api, rule);
        Assert.Equal(["bad-0", "bad-1", "bad-3", "bad-4"], alerts.Select(a => a!.At("node.eventIds").AsArray().Single()!.GetValue<string>()).Order());
        var parked = await api.GraphQLAsync("admin", "{ parkedEvents { totalCount edges { node { id organizationId eventId type reason attempts } } } }");
        var node = Assert.Single(parked.At("data.parkedEvents.edges").AsArray())!.At("node");
        Assert.Equal("bad-2", node.Str("eventId"));
        Assert.Equal("org-a", node.Str("organizationId"));
        Assert.Contains("injected fault for bad-2", node.Str("reason"));
        Assert.Equal(3, node.At("attempts").GetValue<int>());
    }

    [SkippableFact]
    public async Task RetryParkedEvent_AfterTheFaultIsFixed_EvaluatesItOnceAndUnparksIt()
    {
        var probe = new FaultyProbe { FailingEventId = "fix-1" };
        await using var api = RespondApiFixture.For(database).WithServices(s => s.AddSingleton<IEvaluationProbe>(probe));
        await api.TurnOnAsync();
        var rule = await api.ActiveRuleAsync(MatchEveryProcessRule);
        await api.PostEventsAsync("ingestor-a", [Process("fix-0"), Process("fix-1")]);
        var id = (await api.GraphQLAsync("admin", "{ parkedEvents { edges { node { id } } } }")).Str("data.parkedEvents.edges.0.node.id");
        const string retry = "mutation($id: ID!) { retryParkedEvent(input: { id: $id }) { evaluated parkedEvent { attempts reason } errors { code } } }";

        var stillBroken = await api.GraphQLAsync("admin", retry, new { id });
        probe.FailingEventId = null;
        var fixedNow = await api.GraphQLAsync("admin", retry, new { id });
        var again = await api.GraphQLAsync("admin", retry, new { id });

        Assert.Equal("EVALUATION_FAILED", stillBroken.Str("data.retryParkedEvent.errors.0.code"));
        Assert.Equal(4, stillBroken.At("data.retryParkedEvent.parkedEvent.attempts").GetValue<int>());
        Assert.True(fixedNow.At("data.retryParkedEvent.evaluated").GetValue<bool>());
        Assert.Equal("NOT_FOUND", again.Str("data.retryParkedEvent.errors.0.code"));
        Assert.Equal(2, (await AlertsAsync(api, rule)).Count);
        Assert.Equal(0, (await api.GraphQLAsync("admin", "{ parkedEvents { totalCount } }")).At("data.parkedEvents.totalCount").GetValue<int>());
        var audit = await api.GraphQLAsync("admin", "query($id: String) { auditTrail(where: { subjectId: $id }) { totalCount } }", new { id });
        Assert.Equal(2, audit.At("data.auditTrail.totalCount").GetValue<int>());
    }

    [SkippableFact]
    public async Task ParkedEvents_AdminOfAnotherOrganization_NeitherSeesNorRetriesThem()
    {
        var probe = new FaultyProbe { FailingEventId = "secret-1" };
        await using var api = RespondApiFixture.For(database).WithServices(s => s.AddSingleton<IEvaluationProbe>(probe));
        await api.TurnOnAsync();
        await api.ActiveRuleAsync(MatchEveryProcessRule);
        await api.PostEventsAsync("ingestor-a", [Process("secret-1")]);
        var id = (await api.GraphQLAsync("admin", "{ parkedEvents { edges { node { id } } } }")).Str("data.parkedEvents.edges.0.node.id");
        probe.FailingEventId = null;

        var listed = await api.GraphQLAsync("admin-b", "{ parkedEvents { totalCount } }");
        var retried = await api.GraphQLAsync("admin-b", "mutation($id: ID!) { retryParkedEvent(input: { id: $id }) { evaluated errors { code } } }", new { id });
        var viewer = await api.GraphQLAsync("viewer", "{ parkedEvents { totalCount } }");

        Assert.Equal(0, listed.At("data.parkedEvents.totalCount").GetValue<int>());
        Assert.Equal("NOT_FOUND", retried.Str("data.retryParkedEvent.errors.0.code"));
        Assert.Equal("FORBIDDEN", viewer.Str("errors.0.extensions.code"));
        Assert.Equal(1, (await api.GraphQLAsync("admin", "{ parkedEvents { totalCount } }")).At("data.parkedEvents.totalCount").GetValue<int>());
    }

    [SkippableFact]
    public async Task Ingest_TwoOrganizationsInterleaved_SameWindowsAndAlertsAsSequential()
    {
        var start = DateTimeOffset.Parse("2026-11-23T10:00:00Z");
        object Failure(string org, int i) => EngineScenario.Event($"{org}-{i}", org: org, user: $"u-{i % 3}", time: start.AddSeconds(i * 20));
        var a = Enumerable.Range(0, 40).Select(i => Failure("org-a", i)).ToList();
        var b = Enumerable.Range(0, 40).Select(i => Failure("org-b", i)).ToList();
        var interleaved = a.Zip(b, (x, y) => new[] { x, y }).SelectMany(p => p).ToList();

        async Task<List<string>> RunAsync(IEnumerable<IEnumerable<object>> batches)
        {
            // A snapshot with every unit, so the stored windows compare too.
            await using var api = RespondApiFixture.For(database).With("Respond:Engine:EvaluationChunkSize", "7").With("Respond:Engine:WindowSnapshotInterval", "00:00:00");
            await api.TurnOnAsync();
            var rule = await RuleOfEveryOrganizationAsync(api, EngineScenario.ThresholdRule, "burst everywhere");
            foreach (var batch in batches) await api.PostEventsAsync("admin", batch, waitForEvaluation: false);
            await api.EvaluatedAsync();
            var windows = await WindowsAsync(api);
            return [.. (await AlertsAsync(api, rule)).Select(x => $"{x!.Str("node.organizationId")} {x!.Str("node.groupKey")} {string.Join(',', x!.At("node.eventIds").AsArray().Select(e => e!.GetValue<string>()))}").Order(), .. windows];
        }

        var sequential = await RunAsync([a, b]);
        var mixed = await RunAsync(interleaved.Chunk(5));

        Assert.Equal(sequential, mixed);
        Assert.Contains(sequential, s => s.StartsWith("org-a ", StringComparison.Ordinal));
        Assert.Contains(sequential, s => s.StartsWith("org-b ", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Ingest_WindowSnapshotCannotBeStored_EvaluationGoesOnWithNothingParked_AndARestartRebuildsTheWindowsFromTheLog()
    {
        // A snapshot is due after every unit; the database refuses every snapshot row (as a full disk or a broken table would).
        var first = RespondApiFixture.For(database).With("Respond:Engine:WindowSnapshotInterval", "00:00:00");
        await first.TurnOnAsync();
        var rule = await first.ActiveRuleAsync(EngineScenario.ThresholdRule);
        await RefuseSnapshotRowsAsync(first, refuse: true);
        var start = DateTimeOffset.Parse("2026-11-23T10:00:00Z");
        object Event(int i) => EngineScenario.Event($"w-{i}", user: "bob", time: start.AddMinutes(i));
        foreach (var i in Enumerable.Range(0, 3)) await first.PostEventsAsync("ingestor-a", [Event(i)]);

        // Before, the snapshot was written inside the unit: its failure failed the events, which ended parked.
        Assert.Equal(0, (await first.GraphQLAsync("admin", "{ parkedEvents { totalCount } }")).At("data.parkedEvents.totalCount").GetValue<int>());
        Assert.Empty(await AlertsAsync(first, rule));
        await RefuseSnapshotRowsAsync(first, refuse: false);
        await first.DisposeHostOnlyAsync();

        // No snapshot was stored: the restart counts the three events again from the log, and two more cross the threshold.
        await using var second = RespondApiFixture.On(first).With("Respond:Engine:WindowSnapshotInterval", "00:00:00");
        await second.PostEventsAsync("ingestor-a", [Event(3), Event(4)]);
        var alert = Assert.Single(await AlertsAsync(second, rule));
        Assert.Equal(["w-0", "w-1", "w-2", "w-3", "w-4"], alert!.At("node.eventIds").AsArray().Select(id => (string)id!).Order());
    }

    [SkippableFact]
    public async Task Ingest_WindowSnapshotOfSeveralParts_StoredOnePartPerTransaction_ReadBackWhole_AndTheOneItReplacedDeleted()
    {
        // 250 users, 4 failed sign-ins each (one short of the threshold), ids of 120 characters: about 150 KB of windows.
        var transactions = new SnapshotPartsPerTransaction();
        var first = RespondApiFixture.For(database).With("Respond:Engine:WindowSnapshotInterval", "00:00:00")
            .WithServices(s => s.AddSingleton<IInterceptor>(transactions));
        await first.TurnOnAsync();
        await first.ActiveRuleAsync(EngineScenario.ThresholdRule);
        var start = DateTimeOffset.Parse("2026-11-23T10:00:00Z");
        var events = Enumerable.Range(0, 1000).Select(i => EngineScenario.Event($"{i:D4}-{new string('x', 115)}", user: $"u-{i % 250}", time: start.AddSeconds(i % 4))).ToList();
        foreach (var batch in events.Chunk(500)) await first.PostEventsAsync("ingestor-a", batch);

        var stored = await StoredSnapshotAsync(first);
        Assert.True(stored.Parts >= 3, $"the snapshot took {stored.Parts} parts");
        Assert.Equal(stored.Parts, stored.Rows);
        // Every part in a transaction of its own: SQLite's other writers wait for one part at most, never a whole snapshot.
        Assert.Equal(1, transactions.MostInOne);
        await first.DisposeHostOnlyAsync();

        // A restart reads the snapshot the checkpoint names, whole: every one of the 1,000 events is counted in its window.
        await using var second = RespondApiFixture.On(first);
        await using var scope = second.Services.CreateAsyncScope();
        var windows = await WindowSnapshot.ReadAsync(scope.ServiceProvider.GetRequiredService<RespondDbContext>(), "org-a", default);
        Assert.Equal(250, windows.Count);
        Assert.Equal(1000, windows.Sum(w => w.Value.Count));
    }

    /// <summary>How many parts the stored snapshot of org-a has, and how many part rows the organization has in all.</summary>
    private static async Task<(int Parts, int Rows)> StoredSnapshotAsync(RespondApiFixture api)
    {
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        var current = db.EvaluationCheckpoints.Single(c => c.OrganizationId == "org-a").WindowsSnapshotId;
        return (db.WindowSnapshots.Count(p => p.OrganizationId == "org-a" && p.SnapshotId == current), db.WindowSnapshots.Count(p => p.OrganizationId == "org-a"));
    }

    /// <summary>Counts the window snapshot parts inserted in each transaction (Npgsql reuses a connection's transaction object: counted from its start).</summary>
    private sealed class SnapshotPartsPerTransaction : DbCommandInterceptor, IDbTransactionInterceptor
    {
        public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
        {
            _parts.AddOrUpdate(result, new StrongBox<int>());
            return result;
        }

        public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result,
            CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(TransactionStarted(connection, eventData, result));

        private readonly ConditionalWeakTable<DbTransaction, StrongBox<int>> _parts = new();
        private int _most;

        public int MostInOne => Volatile.Read(ref _most);

        private void Seen(DbCommand command)
        {
            var inserts = Regex.Count(command.CommandText, "INSERT INTO \"WindowSnapshots\"");
            if (inserts == 0 || command.Transaction is null) return;
            var parts = _parts.GetOrCreateValue(command.Transaction);
            var now = Interlocked.Add(ref parts.Value, inserts);
            int most;
            while ((most = Volatile.Read(ref _most)) < now && Interlocked.CompareExchange(ref _most, now, most) != most) { }
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Seen(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Seen(command);
            return ValueTask.FromResult(result);
        }
    }

    private async Task RefuseSnapshotRowsAsync(RespondApiFixture api, bool refuse)
    {
        await using var connection = await api.OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = (database, refuse) switch
        {
            (TestDatabase.PostgreSql, true) => """
                CREATE FUNCTION refuse_snapshot() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'snapshot refused (test)'; END $$ LANGUAGE plpgsql;
                CREATE TRIGGER refuse_snapshot BEFORE INSERT ON "WindowSnapshots" FOR EACH ROW EXECUTE FUNCTION refuse_snapshot();
                """,
            (TestDatabase.PostgreSql, false) => """DROP TRIGGER refuse_snapshot ON "WindowSnapshots"; DROP FUNCTION refuse_snapshot();""",
            (_, true) => """CREATE TRIGGER refuse_snapshot BEFORE INSERT ON "WindowSnapshots" BEGIN SELECT RAISE(ABORT, 'snapshot refused (test)'); END;""",
            _ => "DROP TRIGGER refuse_snapshot;",
        };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The stored windows, read through a fresh scope: what a restart would count on.</summary>
    private static async Task<List<string>> WindowsAsync(RespondApiFixture api)
    {
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        var windows = new List<string>();
        foreach (var organization in new[] { "org-a", "org-b" })
            windows.AddRange((await WindowSnapshot.ReadAsync(db, organization, default))
                .Select(w => $"window {w.Key.GroupKey} {string.Join(',', w.Value.Select(e => $"{e.EventId}@{e.Time:O}"))}"));
        return [.. windows.Order()];
    }

    [SkippableFact]
    public async Task Ingest_EvaluationPausedPastTheLag_503WithRetryAfterThenAcceptsAfterCatchUpAndLosesNothing()
    {
        await using var api = RespondApiFixture.For(database).With("Respond:Engine:MaxEvaluationLag", "5");
        await api.TurnOnAsync();
        var rule = await api.ActiveRuleAsync(MatchEveryProcessRule);
        var evaluator = api.Services.GetRequiredService<EventLogEvaluator>();
        evaluator.Pause();

        var first = await api.PostEventsAsync("ingestor-a", Enumerable.Range(0, 6).Select(i => Process($"bp-{i}")), waitForEvaluation: false);
        var refused = await api.PostEventsAsync("ingestor-a", [Process("bp-6")], waitForEvaluation: false);
        var refusedGraphQL = await api.GraphQLAsync("ingestor-a", "mutation($e: [EventInput!]!) { ingestEvents(input: { events: $e }) { accepted retryAfter errors { code } } }",
            new { e = new[] { Process("bp-6") } });
        var lag = await api.GraphQLAsync("ingestor-a", "{ evaluationLag { events maxEvents paused partitions { organizationId events } } }");
        evaluator.Resume();
        await api.EvaluatedAsync();
        var afterCatchUp = await api.PostEventsAsync("ingestor-a", [Process("bp-6")]);

        Assert.Equal(6, first.At("accepted").GetValue<int>());
        Assert.Equal(503, refused.At("status").GetValue<int>());
        Assert.True(refused.At("retryAfter").GetValue<int>() >= 1);
        Assert.Equal("EVALUATION_BEHIND", refusedGraphQL.Str("data.ingestEvents.errors.0.code"));
        Assert.Equal(0, refusedGraphQL.At("data.ingestEvents.accepted").GetValue<int>());
        Assert.True(refusedGraphQL.At("data.ingestEvents.retryAfter").GetValue<int>() >= 1);
        Assert.Equal(6, lag.At("data.evaluationLag.events").GetValue<long>());
        Assert.True(lag.At("data.evaluationLag.paused").GetValue<bool>());
        Assert.Equal(200, afterCatchUp.At("status").GetValue<int>());
        Assert.Equal(1, afterCatchUp.At("accepted").GetValue<int>());
        Assert.Equal(7, (await AlertsAsync(api, rule)).Count);
    }

    [SkippableFact]
    public async Task Ingest_Backlog_ReadChunkByChunkUpToTheHead_WithoutAFinalReadOfAnEmptyChunk()
    {
        var commands = new SqlCommandLog();
        // Without the tail in memory, as after a restart: everything comes from the log.
        await using var api = commands.Attach(CountingLogReads(database).With("Respond:Engine:LogTailBytes", "0"));
        await api.TurnOnAsync();
        var rule = await api.ActiveRuleAsync(MatchEveryProcessRule);
        var evaluator = api.Services.GetRequiredService<EventLogEvaluator>();
        evaluator.Pause();
        await api.PostEventsAsync("ingestor-a", Enumerable.Range(0, 5).Select(i => Process($"chunk-{i}")), waitForEvaluation: false);
        commands.Clear();

        evaluator.Resume();
        await api.EvaluatedAsync();

        Assert.Equal(3, commands.Reading("Events"));
        Assert.Equal(5, (await AlertsAsync(api, rule)).Count);
    }

    [SkippableFact]
    public async Task Ingest_Backlog_OnSqliteTakenFromTheLogsTailInMemory_WithoutReadingTheEventsBack()
    {
        var commands = new SqlCommandLog();
        await using var api = commands.Attach(CountingLogReads(database));
        await api.TurnOnAsync();
        var rule = await api.ActiveRuleAsync(MatchEveryProcessRule);
        var evaluator = api.Services.GetRequiredService<EventLogEvaluator>();
        evaluator.Pause();
        await api.PostEventsAsync("ingestor-a", Enumerable.Range(0, 5).Select(i => Process($"tail-{i}")), waitForEvaluation: false);
        commands.Clear();

        evaluator.Resume();
        await api.EvaluatedAsync();

        // SQLite: this process is the log's one writer and handed the events to their partition as it stored them.
        // PostgreSQL: other nodes append too, so the log is read, in three chunks of two.
        Assert.Equal(database == TestDatabase.Sqlite ? 0 : 3, commands.Reading("Events"));
        Assert.Equal(5, (await AlertsAsync(api, rule)).Count);
    }

    [SkippableFact]
    public async Task Ingest_LogTailsPastTheirBudget_DroppedEventsReadFromTheLog_EveryEventEvaluatedOnceInOrder()
    {
        var commands = new SqlCommandLog();
        var order = new EvaluationOrder();
        // Room for about six of these events over both organizations: the second append of each pair passes it, so
        // the tails are dropped and begun again, and the evaluator reads what they held from the log.
        var oneEvent = JsonSerializer.SerializeToUtf8Bytes(Process("a-0-0", "org-a")).Length;
        await using var api = commands.Attach(CountingLogReads(database).With("Respond:Engine:LogTailBytes", (6 * oneEvent + oneEvent / 2).ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithServices(s => s.AddSingleton<IEvaluationProbe>(order)));
        await api.TurnOnAsync();
        var rule = await RuleOfEveryOrganizationAsync(api, MatchEveryProcessRule, "every process everywhere");
        var evaluator = api.Services.GetRequiredService<EventLogEvaluator>();
        evaluator.Pause();
        var sent = new List<string>();
        for (var append = 0; append < 5; append++)
        {
            var events = Enumerable.Range(0, 3).SelectMany(i => new[] { Process($"a-{append}-{i}", "org-a"), Process($"b-{append}-{i}", "org-b") }).ToList();
            sent.AddRange(Enumerable.Range(0, 3).SelectMany(i => new[] { $"a-{append}-{i}", $"b-{append}-{i}" }));
            await api.PostEventsAsync("admin", events, waitForEvaluation: false);
        }
        commands.Clear();

        evaluator.Resume();
        await api.EvaluatedAsync();

        var evaluated = (await AlertsAsync(api, rule)).Select(a => a!.At("node.eventIds").AsArray().Single()!.GetValue<string>()).ToList();
        Assert.Equal(sent.Order(), evaluated.Order());
        Assert.Equal(sent.Where(id => id.StartsWith('a')), order.EventIds().Where(id => id.StartsWith('a')));
        Assert.Equal(sent.Where(id => id.StartsWith('b')), order.EventIds().Where(id => id.StartsWith('b')));
        Assert.True(commands.Reading("Events") > 0, "the events of the dropped tails come from the log");
    }

    /// <summary>Records the organization and id of each event in the order the evaluator takes them.</summary>
    private sealed class EvaluationOrder : IEvaluationProbe
    {
        private readonly List<string> _organizations = [];

        private readonly List<string> _eventIds = [];

        public void BeforeEvaluate(WorkflowEvent e)
        {
            lock (_organizations)
            {
                _organizations.Add(e.OrganizationId);
                _eventIds.Add(e.Id);
            }
        }

        public List<string> Organizations()
        {
            lock (_organizations) return [.. _organizations];
        }

        public List<string> EventIds()
        {
            lock (_organizations) return [.. _eventIds];
        }
    }

    [SkippableFact]
    public async Task Ingest_BacklogsOfTwoOrganizations_OneSlot_PartitionsTakeTurnsChunkByChunk()
    {
        var order = new EvaluationOrder();
        await using var api = CountingLogReads(database).With("Respond:Engine:MaxParallelPartitions", "1").WithServices(s => s.AddSingleton<IEvaluationProbe>(order));
        await api.TurnOnAsync();
        await RuleOfEveryOrganizationAsync(api, MatchEveryProcessRule, "every process everywhere");
        var evaluator = api.Services.GetRequiredService<EventLogEvaluator>();
        evaluator.Pause();
        await api.PostEventsAsync("admin", Enumerable.Range(0, 6).Select(i => Process($"a-{i}", "org-a")), waitForEvaluation: false);
        await api.PostEventsAsync("admin", Enumerable.Range(0, 6).Select(i => Process($"b-{i}", "org-b")), waitForEvaluation: false);

        evaluator.Resume();
        await api.EvaluatedAsync();

        // Chunks of two, one slot: a partition gives the slot back after each chunk, so neither drains its whole backlog
        // while the other waits (before, the order was a a a a a a b b b b b b).
        var chunks = order.Organizations().Chunk(2).Select(chunk => chunk.Distinct().Single()).ToList();
        Assert.Equal(6, chunks.Count);
        Assert.All(chunks.Zip(chunks.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
    }

    [SkippableFact]
    public async Task Ingest_RespondOff_BacklogOfSeveralChunksPassedWithoutReadingTheLog_AndNeverEvaluatedAfterTurningOn()
    {
        var commands = new SqlCommandLog();
        await using var api = commands.Attach(CountingLogReads(database));
        var rule = await api.ActiveRuleAsync(MatchEveryProcessRule);
        var evaluator = api.Services.GetRequiredService<EventLogEvaluator>();
        evaluator.Pause();
        var stored = await api.PostEventsAsync("ingestor-a", Enumerable.Range(0, 7).Select(i => Process($"off-{i}")), waitForEvaluation: false);
        commands.Clear();

        evaluator.Resume();
        await api.EvaluatedAsync();
        var logReads = commands.Reading("Events");
        var lag = await api.GraphQLAsync("admin", "{ evaluationLag { events } }");
        await api.TurnOnAsync();
        await api.PostEventsAsync("ingestor-a", [Process("on-0")]);

        Assert.Equal(7, stored.At("accepted").GetValue<int>());
        Assert.Equal(0, logReads);
        Assert.Equal(0, lag.At("data.evaluationLag.events").GetValue<long>());
        Assert.Equal(["on-0"], (await AlertsAsync(api, rule)).Select(a => a!.At("node.eventIds").AsArray().Single()!.GetValue<string>()));
    }

    [SkippableFact]
    public async Task Restart_EventsStoredButNotEvaluated_EvaluatedExactlyOnceFromTheCheckpoint()
    {
        var first = RespondApiFixture.For(database);
        await first.TurnOnAsync();
        var rule = await first.ActiveRuleAsync(MatchEveryProcessRule);
        await first.PostEventsAsync("ingestor-a", [Process("early-0"), Process("early-1")]);
        first.Services.GetRequiredService<EventLogEvaluator>().Pause();
        await first.PostEventsAsync("ingestor-a", [Process("late-0"), Process("late-1"), Process("late-2")], waitForEvaluation: false);
        await first.DisposeHostOnlyAsync();

        var second = RespondApiFixture.On(first);
        await second.GraphQLAsync("viewer", "{ viewer { id } }");
        await second.EvaluatedAsync();
        var afterRestart = (await AlertsAsync(second, rule)).Count;
        await second.DisposeHostOnlyAsync();
        await using var third = RespondApiFixture.On(first);
        await third.GraphQLAsync("viewer", "{ viewer { id } }");
        await third.EvaluatedAsync();

        Assert.Equal(5, afterRestart);
        Assert.Equal(5, (await AlertsAsync(third, rule)).Count);
    }

    /// <summary>
    /// A fixture whose reads of the log are the evaluator's alone: chunks of two, and no poll of the log's head (on
    /// PostgreSQL a node polls it every second for events appended through other nodes, and on a busy machine a drain
    /// overlapped two polls).
    /// </summary>
    private static RespondApiFixture CountingLogReads(TestDatabase database) =>
        RespondApiFixture.For(database).With("Respond:Engine:EvaluationChunkSize", "2").With("Respond:Cluster:LogPollInterval", "1.00:00:00");

    public sealed class OnSqlite() : EventLogEvaluatorTests(TestDatabase.Sqlite);

    public sealed class OnPostgreSql() : EventLogEvaluatorTests(TestDatabase.PostgreSql);
}
