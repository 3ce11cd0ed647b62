using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Respond.Server.Features.Engine;
using Respond.Server.Persistence;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Cluster;

/// <summary>
/// Evaluation partitions leased to nodes through the database (issue 13): two hosts on one PostgreSQL database, each
/// with its own advanceable clock; the test runs their lease rounds itself.
/// </summary>
public sealed class PartitionLeaseTests : IAsyncLifetime
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    private const string MatchEverySignIn = """
        {
          "schemaVersion": 1,
          "nodes": [
            { "id": "trigger", "type": "trigger.event", "config": { "eventTypes": ["signin.failed"] } },
            { "id": "alert", "type": "alert.create", "config": { "title": "Failed sign-in", "severity": "LOW" } }
          ],
          "edges": [ { "from": "trigger", "to": "alert" } ]
        }
        """;

    private sealed record Node(RespondApiFixture Api, FakeTimeProvider Time)
    {
        public PartitionLeaseManager Leases => Api.Services.GetRequiredService<PartitionLeaseManager>();

        public PartitionOwnership Ownership => Api.Services.GetRequiredService<PartitionOwnership>();

        public IReadOnlyList<string> Held => [.. Ownership.Held.Keys.Order(StringComparer.Ordinal)];
    }

    private Node? _a;
    private Node? _b;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_b is not null) await _b.Api.DisposeHostOnlyAsync();
        if (_a is not null) await _a.Api.DisposeAsync();
    }

    private static RespondApiFixture Configured(RespondApiFixture api, FakeTimeProvider time) => api
        .WithServices(s => s.AddSingleton<TimeProvider>(time))
        .With("Respond:Cluster:LeaseDuration", LeaseDuration.ToString())
        .With("Respond:Cluster:LeaseRenewInterval", "00:00:10")
        .With("Respond:Cluster:LogPollInterval", "00:00:10");

    /// <summary>Node A starts alone (and takes every partition) with <paramref name="definition"/> active; then node B joins.</summary>
    private async Task<(Node A, Node B, string Rule)> TwoNodesAsync(string definition)
    {
        var timeA = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var a = _a = new Node(Configured(RespondApiFixture.For(TestDatabase.PostgreSql), timeA), timeA);
        await a.Api.TurnOnAsync();
        var rule = await a.Api.ActiveRuleAsync(definition);
        var timeB = new FakeTimeProvider(a.Time.GetUtcNow());
        var b = _b = new Node(Configured(RespondApiFixture.On(a.Api), timeB), timeB);
        await b.Api.GraphQLAsync("viewer", "{ viewer { id } }");
        return (a, b, rule);
    }

    /// <summary>A and B each run a round until the partitions are split: A gives up its surplus, B takes it.</summary>
    private static async Task SplitAsync(Node a, Node b)
    {
        await a.Leases.TickAsync(default);
        await b.Leases.TickAsync(default);
    }

    /// <summary>A stops renewing (its clock stands still); B's clock passes A's lease and B runs a round.</summary>
    private static async Task ATakenOverByBAsync(Node a, Node b)
    {
        b.Time.Advance(LeaseDuration + TimeSpan.FromSeconds(1));
        await b.Leases.TickAsync(default);
    }

    private static async Task<List<(string OrganizationId, string NodeId, long Token)>> LeaseRowsAsync(Node node)
    {
        await using var scope = node.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        return (await db.PartitionLeases.AsNoTracking().OrderBy(l => l.OrganizationId).ToListAsync()).Select(l => (l.OrganizationId, l.NodeId, l.Token)).ToList();
    }

    private static async Task<JsonArray> AlertsAsync(Node node, string rule) =>
        (await node.Api.GraphQLAsync("admin", "query($r: ID) { alerts(where: { ruleId: $r }, first: 100) { edges { node { organizationId eventIds } } } }", new { r = rule }))
            .At("data.alerts.edges").AsArray();

    private static async Task<long> CheckpointAsync(Node node, string organizationId)
    {
        await using var scope = node.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        return await db.EvaluationCheckpoints.Where(c => c.OrganizationId == organizationId).Select(c => c.Sequence).SingleOrDefaultAsync();
    }

    [SkippableFact]
    public async Task SecondNodeJoins_OrganizationsSplitOnePerNode_EachLeaseHeldByOneNode()
    {
        var (a, b, _) = await TwoNodesAsync(MatchEverySignIn);
        var aloneA = a.Held;

        await SplitAsync(a, b);

        Assert.Equal(["org-a", "org-b"], aloneA);
        Assert.Equal(["org-a"], a.Held);
        Assert.Equal(["org-b"], b.Held);
        var rows = await LeaseRowsAsync(a);
        Assert.Equal([("org-a", a.Ownership.NodeId), ("org-b", b.Ownership.NodeId)], rows.Select(r => (r.OrganizationId, r.NodeId)));
        // org-b changed hands once (A, then B): its fencing token moved on.
        Assert.Equal(2, rows.Single(r => r.OrganizationId == "org-b").Token);
    }

    [SkippableFact]
    public async Task NodeStopsRenewing_TheOtherTakesItsPartitionOnlyAfterTheLeaseExpired_WithTheNextFencingToken()
    {
        var (a, b, _) = await TwoNodesAsync(MatchEverySignIn);
        await SplitAsync(a, b);
        var tokenOfA = a.Ownership.FenceOf("org-a")!.Token;

        b.Time.Advance(LeaseDuration - TimeSpan.FromSeconds(5));
        await b.Leases.TickAsync(default);
        var beforeExpiry = b.Held;
        b.Time.Advance(TimeSpan.FromSeconds(6));
        await b.Leases.TickAsync(default);

        Assert.Equal(["org-b"], beforeExpiry);
        Assert.Equal(["org-a", "org-b"], b.Held);
        Assert.Equal(tokenOfA + 1, b.Ownership.FenceOf("org-a")!.Token);
        Assert.Equal(b.Ownership.NodeId, (await LeaseRowsAsync(b)).Single(r => r.OrganizationId == "org-a").NodeId);
    }

    [SkippableFact]
    public async Task StaleOwnerEvaluatesAfterLosingItsLease_FenceRefusesTheCheckpoint_EffectsRolledBack_NewOwnerEvaluatesOnce()
    {
        var (a, b, rule) = await TwoNodesAsync(MatchEverySignIn);
        await SplitAsync(a, b);
        await ATakenOverByBAsync(a, b);
        var checkpointBefore = await CheckpointAsync(a, "org-a");
        Assert.True(a.Ownership.Holds("org-a"), "A has not noticed yet: it renews no more");

        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.Ownership.Dropped += organizationId => { if (organizationId == "org-a") dropped.TrySetResult(); };
        await a.Api.PostEventsAsync("ingestor-a", [EngineScenario.Event("stale-1"), EngineScenario.Event("stale-2")], waitForEvaluation: false);
        await dropped.Task.WaitAsync(TimeSpan.FromMinutes(1)); // the fence refused A's unit, so A gave the partition up
        Assert.False(a.Ownership.Holds("org-a"));
        var alertsFromA = await AlertsAsync(a, rule);
        var checkpointAfterA = await CheckpointAsync(a, "org-a");
        await b.Leases.PollLogAsync(default);
        await b.Api.EvaluatedAsync();

        Assert.Empty(alertsFromA);
        Assert.Equal(checkpointBefore, checkpointAfterA);
        var alerts = await AlertsAsync(b, rule);
        Assert.Equal(["stale-1", "stale-2"], alerts.Select(x => x!.At("node.eventIds").AsArray().Single()!.GetValue<string>()).Order());
        Assert.True(await CheckpointAsync(b, "org-a") > checkpointBefore);
    }

    [SkippableFact]
    public async Task Handover_ThresholdCountsAcrossIt_InLogOrder_OneAlertFromEventsOfBothOwners()
    {
        var (a, b, rule) = await TwoNodesAsync(EngineScenario.ThresholdRule);
        await SplitAsync(a, b);
        var start = DateTimeOffset.Parse("2026-11-23T10:00:00Z");
        var events = Enumerable.Range(1, 5).Select(i => EngineScenario.Event($"burst-{i}", time: start.AddSeconds(i))).ToList();

        await a.Api.PostEventsAsync("ingestor-a", events.Take(3));
        await ATakenOverByBAsync(a, b);
        await b.Api.PostEventsAsync("ingestor-a", events.Skip(3));

        var alert = Assert.Single(await AlertsAsync(b, rule));
        Assert.Equal(["burst-1", "burst-2", "burst-3", "burst-4", "burst-5"], alert!.At("node.eventIds").AsArray().Select(e => e!.GetValue<string>()));
    }

    [SkippableFact]
    public async Task EventsIngestedThroughTheNodeNotHoldingThePartition_ItsEvaluationLagReadsZeroOnceTheHolderEvaluatedThem()
    {
        var (a, b, _) = await TwoNodesAsync(MatchEverySignIn);
        await SplitAsync(a, b);

        // org-a is A's partition; B stores its events and counts them as appended, but A evaluates them.
        await b.Api.PostEventsAsync("ingestor-a", [EngineScenario.Event("via-b-1"), EngineScenario.Event("via-b-2")], waitForEvaluation: false);
        await a.Leases.PollLogAsync(default);
        await a.Api.EvaluatedAsync();
        var lag = await b.Api.GraphQLAsync("admin", "{ evaluationLag { events partitions { organizationId events checkpoint head } } }");

        var orgA = lag.At("data.evaluationLag.partitions").AsArray().Single(p => p!["organizationId"]!.GetValue<string>() == "org-a")!;
        Assert.Equal(0, orgA["events"]!.GetValue<long>());
        Assert.Equal(await CheckpointAsync(a, "org-a"), orgA["checkpoint"]!.GetValue<long>());
        Assert.Equal(orgA["checkpoint"]!.GetValue<long>(), orgA["head"]!.GetValue<long>());
        Assert.Equal(0, lag.At("data.evaluationLag.events").GetValue<long>());
    }
}

/// <summary>One node on SQLite needs no lease: it evaluates every partition and writes no lease row.</summary>
public sealed class SingleNodePartitionTests
{
    [Fact]
    public async Task SingleNodeOnSqlite_EvaluatesEveryOrganization_WithoutLeaseRowsOrFence()
    {
        await using var api = RespondApiFixture.For(TestDatabase.Sqlite);
        await api.TurnOnAsync();
        await api.ActiveRuleAsync(EngineScenario.ThresholdRule);

        await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("one")]);

        var ownership = api.Services.GetRequiredService<PartitionOwnership>();
        Assert.False(ownership.Clustered);
        Assert.True(ownership.Holds("org-a") && ownership.Holds("org-b"));
        Assert.Null(ownership.FenceOf("org-a"));
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        Assert.Equal(0, await db.PartitionLeases.CountAsync());
        Assert.True(await db.EvaluationCheckpoints.AnyAsync(c => c.OrganizationId == "org-a" && c.Sequence > 0));
    }
}
