using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Features.Events;
using Respond.Server.Persistence;
using Respond.Server.Tests.Connectors.Agents;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.Events;

/// <summary>SQLite's group commit (<see cref="SqliteAppendQueue"/>): appends that wait for the write turn are stored in one transaction.</summary>
public sealed class SqliteGroupCommitTests
{
    [Fact]
    public async Task PostEvents_TwoRequestsWaitingForTheWriteTurn_StoredInOneTransaction_EachAnsweredWithItsOwnCounts()
    {
        var commands = new SqlCommandLog();
        await using var api = commands.Attach(new RespondApiFixture());
        await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("gc-known")], waitForEvaluation: false);
        var queue = api.Services.GetRequiredService<SqliteAppendQueue>();

        Task<System.Text.Json.Nodes.JsonObject> first, second;
        await using (var scope = api.Services.CreateAsyncScope())
        using (await api.Services.GetRequiredService<SqliteWriteGate>().EnterAsync(scope.ServiceProvider.GetRequiredService<RespondDbContext>(), CancellationToken.None))
        {
            first = api.PostEventsAsync("ingestor-a", [EngineScenario.Event("gc-1"), EngineScenario.Event("gc-2")], waitForEvaluation: false);
            second = api.PostEventsAsync("ingestor-a", [EngineScenario.Event("gc-known"), EngineScenario.Event("gc-3")], waitForEvaluation: false);
            await AgentTestSupport.WaitUntilAsync(() => queue.Waiting == 2, "both appends wait for the write turn");
            commands.Clear();
        }

        Assert.Equal((2, 0), Counts(await first));
        Assert.Equal((1, 1), Counts(await second));
        // One transaction: the page cache raised once for it and handed back once.
        Assert.Single(commands.Texts, t => t.Contains(SqlitePragmas.AppendCache, StringComparison.Ordinal));
        Assert.Equal(0, queue.Waiting);
        await using var connection = await api.OpenDatabaseAsync();
        await using var stored = connection.CreateCommand();
        stored.CommandText = """SELECT COUNT(*) FROM "Events" WHERE "EventId" LIKE 'gc-%'""";
        Assert.Equal(4L, await stored.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Append_SenderGivesUpWhileWaitingForTheWriteTurn_ItsEventsTakenBack_NothingStored()
    {
        await using var api = new RespondApiFixture();
        await api.GraphQLAsync("viewer", "{ viewer { id } }");
        var queue = api.Services.GetRequiredService<SqliteAppendQueue>();
        var events = new[] { EventParser.Parse(System.Text.Json.JsonSerializer.SerializeToElement(EngineScenario.Event("gc-gave-up")), 0).Event! };

        await using (var holder = api.Services.CreateAsyncScope())
        using (await api.Services.GetRequiredService<SqliteWriteGate>().EnterAsync(holder.ServiceProvider.GetRequiredService<RespondDbContext>(), CancellationToken.None))
        {
            await using var sender = api.Services.CreateAsyncScope();
            using var giveUp = new CancellationTokenSource();
            var append = sender.ServiceProvider.GetRequiredService<EventStore>().InsertAsync(events, giveUp.Token);
            await AgentTestSupport.WaitUntilAsync(() => queue.Waiting == 1, "the append waits for the write turn");
            await giveUp.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => append);
            Assert.Equal(0, queue.Waiting);
        }

        var replay = await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("gc-gave-up")], waitForEvaluation: false);
        Assert.Equal((1, 0), Counts(replay));
    }

    private static (int Accepted, int Duplicates) Counts(System.Text.Json.Nodes.JsonObject answer) =>
        (answer.At("accepted").GetValue<int>(), answer.At("duplicates").GetValue<int>());
}
