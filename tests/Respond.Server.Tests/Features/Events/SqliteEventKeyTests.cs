using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Respond.Server.Features.Events;
using Respond.Server.Persistence;
using Respond.Server.Tests.Features.Engine;

namespace Respond.Server.Tests.Features.Events;

/// <summary>SQLite's log finds duplicates through a 64-bit key of (organization, source, id) and compares the three (<see cref="EventKey"/>).</summary>
public sealed class SqliteEventKeyTests
{
    [Fact]
    public void Key_DependsOnEachPart_AndWhereOnePartEndsAndTheNextBegins()
    {
        var key = EventKey.Of("org-a", "idp", "e-1");

        Assert.Equal(key, EventKey.Of("org-a", "idp", "e-1"));
        Assert.NotEqual(key, EventKey.Of("org-b", "idp", "e-1"));
        Assert.NotEqual(key, EventKey.Of("org-a", "edr", "e-1"));
        Assert.NotEqual(key, EventKey.Of("org-a", "idp", "e-2"));
        Assert.NotEqual(EventKey.Of("ab", "c", "x"), EventKey.Of("a", "bc", "x"));
    }

    [Fact]
    public async Task PostEvents_StoredEventWithTheSameKeyButAnotherId_NotADuplicate_TheReplayIs()
    {
        await using var api = new RespondApiFixture();
        await api.GraphQLAsync("viewer", "{ viewer { id } }");
        // A stored event whose key is that of the one sent next, as if two keys collided.
        await using (var connection = await api.OpenDatabaseAsync())
        {
            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO "Events" ("EventId", "OrganizationId", "Source", "Type", "Severity", "Time", "ReceivedAt", "Json", "IdempotencyKey")
                VALUES ('e-other', 'org-a', 'idp', 'signin.failed', 2, 0, 0, '{}', $key)
                """;
            var key = insert.CreateParameter();
            key.ParameterName = "$key";
            key.Value = EventKey.Of("org-a", "idp", "e-sent");
            insert.Parameters.Add(key);
            await insert.ExecuteNonQueryAsync();
        }

        var first = await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("e-sent")], waitForEvaluation: false);
        var replay = await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("e-sent")], waitForEvaluation: false);

        Assert.Equal(1, first.At("accepted").GetValue<int>());
        Assert.Equal(0, first.At("duplicates").GetValue<int>());
        Assert.Equal(0, replay.At("accepted").GetValue<int>());
        Assert.Equal(1, replay.At("duplicates").GetValue<int>());
    }

    [Fact]
    public async Task Upgrade_EventsStoredBeforeTheKey_GetTheirKey_SoTheirReplayIsStillADuplicate()
    {
        var root = Directory.CreateTempSubdirectory("respond-test-").FullName;
        // A database as the release before the key left it, with one event stored.
        var options = new DbContextOptionsBuilder<SqliteRespondDbContext>().UseSqlite($"Data Source={Path.Combine(root, "respond.db")};Pooling=False").UseOpenIddict().Options;
        await using (var db = new SqliteRespondDbContext(options))
        {
            await db.GetService<IMigrator>().MigrateAsync("WindowSnapshotIds");
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO "Events" ("EventId", "OrganizationId", "Source", "Type", "Severity", "Time", "ReceivedAt", "Json")
                VALUES ('e-before', 'org-a', 'idp', 'signin.failed', 2, 0, 0, '[]')
                """);
        }

        await using var api = RespondApiFixture.On(root);
        var replay = await api.PostEventsAsync("ingestor-a", [EngineScenario.Event("e-before"), EngineScenario.Event("e-after")], waitForEvaluation: false);

        Assert.Equal(1, replay.At("accepted").GetValue<int>());
        Assert.Equal(1, replay.At("duplicates").GetValue<int>());
        await using var connection = await api.OpenDatabaseAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = """SELECT COUNT(*) FROM "Events" WHERE "EventId" = 'e-before'""";
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }
}
