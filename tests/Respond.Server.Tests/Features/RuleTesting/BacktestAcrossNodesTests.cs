using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Respond.Server.Features.RuleTesting;
using Respond.Server.Persistence;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.RuleTesting;

/// <summary>
/// Backtests live in the database (issue 13): started through one node, polled, read and cancelled through another;
/// still visible only to who started them; a backtest whose node died reads FAILED after the timeout.
/// </summary>
public abstract class BacktestAcrossNodesTests(TestDatabase database)
{
    private const string Read = "query($id: ID!) { backtest(id: $id) { id status error processedEvents alertCount perDay topGroupKeys sampleMatches } }";
    private const string Cancel = "mutation($id: ID!) { cancelBacktest(id: $id) { backtest { id } errors { code } } }";

    /// <summary>The first node (<paramref name="first"/> null) or another on its database; the first is started here, so its database exists.</summary>
    private RespondApiFixture Node(RespondApiFixture? first, TimeProvider? time = null)
    {
        var node = first is null ? RespondApiFixture.For(database) : RespondApiFixture.On(first);
        if (time is not null) node.WithServices(s => s.AddSingleton(time));
        _ = node.Services;
        return node;
    }

    [SkippableFact]
    public async Task StartedThroughOneNode_ReadThroughTheOther_SameReport_OtherOrganizationSeesNothing()
    {
        var first = Node(null);
        await using var _ = first;
        await first.TurnOnAsync();
        var rule = await first.ActiveRuleAsync(EngineScenario.ThresholdRule);
        var start = DateTimeOffset.Parse("2026-11-20T10:00:00Z");
        // dave fails 6 times (one alert) on one day, erin 5 (one) on the next.
        var events = Enumerable.Range(0, 6).Select(i => EngineScenario.Event($"bt-d{i}", user: "dave", time: start.AddMinutes(i)))
            .Concat(Enumerable.Range(0, 5).Select(i => EngineScenario.Event($"bt-e{i}", user: "erin", time: start.AddDays(1).AddMinutes(i)))).ToList();
        await first.PostEventsAsync("ingestor-a", events);
        var started = await first.GraphQLAsync("author-a", """
            mutation($id: ID!) { backtestRule(input: { ruleId: $id, from: "2026-11-19T00:00:00Z", to: "2026-11-23T00:00:00Z" }) {
              backtest { id status } errors { code message } } }
            """, new { id = rule });
        var id = started.Str("data.backtestRule.backtest.id");
        var second = Node(first);

        var byAuthor = await second.GraphQLAsync("author-a", Read, new { id });
        var byAdmin = await second.GraphQLAsync("admin", Read, new { id });
        var byOtherOrganization = await second.GraphQLAsync("author-b", Read, new { id });
        var cancelByOtherOrganization = await second.GraphQLAsync("author-b", Cancel, new { id });
        await second.DisposeHostOnlyAsync();

        Assert.Equal("COMPLETED", started.Str("data.backtestRule.backtest.status"));
        var report = byAuthor.At("data.backtest");
        Assert.Equal("COMPLETED", report.Str("status"));
        Assert.Equal(11, report.At("processedEvents").GetValue<int>());
        Assert.Equal(2, report.At("alertCount").GetValue<int>());
        Assert.Equal(2, report.At("perDay").AsArray().Count);
        Assert.Equal(2, report.At("sampleMatches").AsArray().Select(m => m!.Str("groupKey")).Distinct().Count());
        Assert.Equal(2, report.At("topGroupKeys").AsArray().Count);
        Assert.Equal(id, byAdmin.Str("data.backtest.id"));
        Assert.Null(byOtherOrganization.At("data")["backtest"]);
        Assert.Equal("NOT_FOUND", cancelByOtherOrganization.Str("data.cancelBacktest.errors.0.code"));
    }

    [SkippableFact]
    public async Task RunningOnANodeThatDied_ReadsFailedAfterTheTimeout_CancelThroughAnotherNodeReachesTheRow()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T10:00:00Z"));
        var first = Node(null, time);
        await using var _ = first;
        const string id = "bt-deadnode0001";
        await using (var scope = first.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
            db.Add(new BacktestRecord
            {
                Id = id, RuleId = "rule-x", RequestedBy = "author-a", OrganizationScope = "[\"org-a\"]", From = time.GetUtcNow().AddDays(-1), To = time.GetUtcNow(),
                StartedAt = time.GetUtcNow(), ProgressAt = time.GetUtcNow(), Status = BacktestStatus.Running, TotalEvents = 10, ProcessedEvents = 4,
            });
            await db.SaveChangesAsync();
        }
        var second = Node(first, time);

        var whileFresh = await second.GraphQLAsync("author-a", Read, new { id });
        var cancelled = await second.GraphQLAsync("author-a", Cancel, new { id });
        time.Advance(BacktestRunner.AbandonedAfter + TimeSpan.FromSeconds(1));
        var afterTimeout = await second.GraphQLAsync("author-a", Read, new { id });
        await second.DisposeHostOnlyAsync();

        Assert.Equal("RUNNING", whileFresh.Str("data.backtest.status"));
        Assert.Equal(4, whileFresh.At("data.backtest.processedEvents").GetValue<int>());
        Assert.Empty(cancelled.Errors("cancelBacktest"));
        await using (var scope = first.Services.CreateAsyncScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<RespondDbContext>().Set<BacktestRecord>().Where(b => b.Id == id).Select(b => b.CancelRequested).SingleAsync());
        Assert.Equal("FAILED", afterTimeout.Str("data.backtest.status"));
        Assert.Contains("stopped", afterTimeout.Str("data.backtest.error"));
    }

    public sealed class OnSqlite() : BacktestAcrossNodesTests(TestDatabase.Sqlite);

    public sealed class OnPostgreSql() : BacktestAcrossNodesTests(TestDatabase.PostgreSql);
}
