using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Respond.Server.Features.Events;
using Respond.Workflows;

namespace Respond.Server.Tests.Features.Events;

/// <summary>
/// The log's append path on PostgreSQL: identity values may commit out of order between transactions, so appends of one
/// organization take turns (an advisory transaction lock per organization) and the evaluator never finds a sequence
/// committed behind its checkpoint.
/// </summary>
public sealed class PostgreSqlEventStoreTests
{
    // The lock an append of org-a takes: class "RL" (0x524C) and the hash of "respond-log:<organization>" (EventStore).
    private const string LockOfOrgA = "SELECT pg_advisory_xact_lock(21068, hashtext('respond-log:org-a'))";

    private static ParsedEvent Event(string id, string org) =>
        new(id, org, "crowdstrike", "process.started", Severity.Low, DateTimeOffset.UnixEpoch, JsonSerializer.SerializeToUtf8Bytes(new { id, organizationId = org }));

    private static async Task<List<(ParsedEvent Event, long Sequence)>> InsertAsync(RespondApiFixture api, params ParsedEvent[] events)
    {
        await using var scope = api.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EventStore>().InsertAsync(events, CancellationToken.None);
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, NpgsqlTransaction? tx = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    [SkippableFact]
    public async Task InsertAsync_AnAppendOfTheSameOrganizationUncommitted_WaitsForItsCommit_OtherOrganizationsDoNot()
    {
        await using var api = RespondApiFixture.For(TestDatabase.PostgreSql);
        var database = api.Services.GetRequiredService<IConfiguration>().GetConnectionString("Respond");
        await using var concurrent = new NpgsqlConnection(database);
        await concurrent.OpenAsync();
        await using var tx = await concurrent.BeginTransactionAsync();
        await ScalarAsync(concurrent, LockOfOrgA, tx);

        var orgB = await InsertAsync(api, Event("b-1", "org-b"));
        var orgA = InsertAsync(api, Event("a-1", "org-a"));
        await using var observer = new NpgsqlConnection(database);
        await observer.OpenAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (await ScalarAsync(observer, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'") == 0)
        {
            Assert.False(orgA.IsCompleted, "org-a's append did not wait for the uncommitted append of its organization.");
            timeout.Token.ThrowIfCancellationRequested();
        }
        var waitedWhileHeld = !orgA.IsCompleted;
        await tx.CommitAsync();

        Assert.Single(orgB);
        Assert.True(waitedWhileHeld);
        Assert.Single(await orgA);
    }

    [SkippableFact]
    public async Task InsertAsync_SameKeyTwiceAndAcrossOrganizations_StoredOncePerOrganizationWithJsonbPayload()
    {
        await using var api = RespondApiFixture.For(TestDatabase.PostgreSql);

        var first = await InsertAsync(api, Event("e-1", "org-a"), Event("e-1", "org-a"), Event("e-1", "org-b"));
        var replay = await InsertAsync(api, Event("e-1", "org-a"));

        Assert.Equal(["org-a", "org-b"], first.Select(i => i.Event.OrganizationId));
        Assert.True(first[1].Sequence > first[0].Sequence);
        Assert.Empty(replay);
        await using var connection = new NpgsqlConnection(api.Services.GetRequiredService<IConfiguration>().GetConnectionString("Respond"));
        await connection.OpenAsync();
        Assert.Equal(1, await ScalarAsync(connection, """SELECT count(*) FROM "Events" WHERE "Json" @> '{"organizationId":"org-b"}'::jsonb"""));
    }

    [SkippableFact]
    public async Task InsertAsync_AChunkWithDuplicatesInsideAndOfStoredEvents_StoresTheFirstOfEachKeyWithSequencesInTheChunksOrder()
    {
        await using var api = RespondApiFixture.For(TestDatabase.PostgreSql);
        await InsertAsync(api, Event("stored-1", "org-b"));
        var chunk = Enumerable.Range(0, 40).Select(i => Event($"e-{i}", i % 3 == 0 ? "org-a" : "org-b")).ToList();
        var secondOfE5 = new ParsedEvent("e-5", "org-b", "crowdstrike", "process.started", Severity.High, DateTimeOffset.UnixEpoch,
            JsonSerializer.SerializeToUtf8Bytes(new { id = "e-5", copy = "second" }));
        chunk.Insert(30, secondOfE5);
        chunk.Insert(10, Event("stored-1", "org-b"));

        var inserted = await InsertAsync(api, [.. chunk]);

        // Every event of the chunk but its two duplicates, the same instances, their sequences ascending in the chunk's order.
        Assert.Equal(chunk.Where(e => e != secondOfE5 && e.EventId != "stored-1"), inserted.Select(i => i.Event));
        Assert.True(inserted.Zip(inserted.Skip(1)).All(p => p.Second.Sequence > p.First.Sequence), "sequences do not ascend with the chunk");
        await using var connection = new NpgsqlConnection(api.Services.GetRequiredService<IConfiguration>().GetConnectionString("Respond"));
        await connection.OpenAsync();
        Assert.Equal(inserted.Single(i => i.Event.EventId == "e-5").Sequence,
            await ScalarAsync(connection, """SELECT "Sequence" FROM "Events" WHERE "EventId" = 'e-5' AND NOT "Json" ? 'copy'"""));
        Assert.Equal(41, await ScalarAsync(connection, """SELECT count(*) FROM "Events" """));
    }
}
