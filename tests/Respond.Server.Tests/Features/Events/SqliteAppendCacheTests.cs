using Respond.Server.Persistence;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.Events;

public sealed class SqliteAppendCacheTests
{
    [Fact]
    public async Task Ingest_OnSqlite_AppendsWithTheLargerPageCache_AndHandsItBackAfterEveryAppend()
    {
        var commands = new SqlCommandLog();
        await using var api = commands.Attach(new RespondApiFixture());
        commands.Clear();

        var first = await api.PostEventsAsync("ingestor-a", Enumerable.Range(1, 3).Select(i => EngineScenario.Event($"cache-{i}")), waitForEvaluation: false);
        var second = await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("cache-4")], waitForEvaluation: false);

        Assert.Equal(3, first.At("accepted").GetValue<int>());
        Assert.Equal(1, second.At("accepted").GetValue<int>());
        // Each append raises the cache and lowers it again before the next one: no connection keeps 8 MiB.
        var pragmas = commands.Texts.Where(t => t.Contains("PRAGMA cache_size", StringComparison.Ordinal))
            .Select(t => t.Contains(SqlitePragmas.AppendCache, StringComparison.Ordinal) ? "append" : t.Contains(SqlitePragmas.DefaultCache, StringComparison.Ordinal) ? "default" : t).ToList();
        Assert.Equal(["append", "default", "append", "default"], pragmas);
    }
}
