using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Events;

/// <summary>
/// The log's append path: one transaction and one prepared statement per chunk, insert-if-absent on
/// (OrganizationId, Source, EventId): idempotency is per organization, so one tenant's key never hides another's event. This is the hot path of the benchmark (docs/performance.md), so it bypasses EF's change tracker.
/// </summary>
public sealed class EventStore(RespondDbContext db, SqliteWriteGate writers, TimeProvider time)
{
    /// <summary>Stores the events that are new and returns them with their sequence; duplicates are skipped.</summary>
    public async Task<List<(ParsedEvent Event, long Sequence)>> InsertAsync(IReadOnlyList<ParsedEvent> events, CancellationToken ct)
    {
        var inserted = new List<(ParsedEvent, long)>(events.Count);
        if (events.Count == 0) return inserted;
        // Opened through EF so its connection interceptors (SQLite pragmas) apply.
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        try
        {
            using var turn = await writers.EnterAsync(db, ct);
            var sqlServer = db.Database.IsSqlServer();
            var postgreSql = db.Database.IsNpgsql();
            var sqlite = !sqlServer && !postgreSql;
            if (sqlite) await db.Database.ExecuteSqlRawAsync(SqlitePragmas.AppendCache, ct);
            try
            {
                await AppendAsync(connection, events, inserted, sqlServer, postgreSql, ct);
            }
            finally
            {
                if (sqlite) await db.Database.ExecuteSqlRawAsync(SqlitePragmas.DefaultCache, CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return inserted;
    }

    /// <summary>One transaction: insert-if-absent of each event, the new ones added to <paramref name="inserted"/> with their sequence.</summary>
    private async Task AppendAsync(DbConnection connection, IReadOnlyList<ParsedEvent> events, List<(ParsedEvent, long)> inserted, bool sqlServer, bool postgreSql,
        CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (sqlServer || postgreSql) await LockOrganizationsAsync(connection, tx, events, sqlServer, ct);
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sqlServer
            ? """
              IF NOT EXISTS (SELECT 1 FROM [Events] WITH (UPDLOCK, HOLDLOCK) WHERE [OrganizationId] = @org AND [Source] = @source AND [EventId] = @id)
              INSERT INTO [Events] ([EventId], [OrganizationId], [Source], [Type], [Severity], [Time], [ReceivedAt], [Json])
              OUTPUT INSERTED.[Sequence]
              VALUES (@id, @org, @source, @type, @severity, @time, @received, @json)
              """
            : $"""
              INSERT INTO "Events" ("EventId", "OrganizationId", "Source", "Type", "Severity", "Time", "ReceivedAt", "Json")
              VALUES (@id, @org, @source, @type, @severity, @time, @received, {(postgreSql ? "CAST(@json AS jsonb)" : "@json")})
              ON CONFLICT ("OrganizationId", "Source", "EventId") DO NOTHING
              RETURNING "Sequence"
              """;
        var id = Add(command, "@id", DbType.String);
        var org = Add(command, "@org", DbType.String);
        var source = Add(command, "@source", DbType.String);
        var type = Add(command, "@type", DbType.String);
        var severity = Add(command, "@severity", DbType.Int32);
        var at = Add(command, "@time", DbType.Int64);
        var received = Add(command, "@received", DbType.Int64);
        var json = Add(command, "@json", DbType.String);
        await command.PrepareAsync(ct);
        received.Value = time.GetUtcNow().UtcTicks;
        foreach (var e in events)
        {
            id.Value = e.EventId;
            org.Value = e.OrganizationId;
            source.Value = e.Source;
            type.Value = e.Type;
            severity.Value = (int)e.Severity;
            at.Value = e.Time.UtcTicks;
            json.Value = e.Json;
            var sequence = await command.ExecuteScalarAsync(ct);
            if (sequence is not null and not DBNull) inserted.Add((e, Convert.ToInt64(sequence, System.Globalization.CultureInfo.InvariantCulture)));
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// The evaluator reads each organization's log in sequence order and trusts that nothing commits behind its
    /// checkpoint. SQLite has one writer at a time, so sequences commit in order; on SQL Server and PostgreSQL two
    /// transactions may commit identity values out of order, so appends of one organization take turns: a lock per
    /// organization (SQL Server: an application lock; PostgreSQL: an advisory transaction lock on the hash of the
    /// organization id, where a rare hash collision only makes two organizations take turns), taken in a fixed
    /// order, held until commit.
    /// </summary>
    private static async Task LockOrganizationsAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<ParsedEvent> events, bool sqlServer, CancellationToken ct)
    {
        foreach (var organization in events.Select(e => e.OrganizationId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = sqlServer
                ? "EXEC sp_getapplock @Resource = @resource, @LockMode = 'Exclusive', @LockOwner = 'Transaction'"
                : $"SELECT pg_advisory_xact_lock({LogLockClass}, hashtext(@resource))";
            var resource = Add(command, "@resource", DbType.String);
            resource.Value = "respond-log:" + organization;
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>The first key of PostgreSQL's two-key advisory locks that Respond's log appends use ("RL").</summary>
    private const int LogLockClass = 0x524C;

    // Typed before the first value is set, because PostgreSQL prepares a statement with its parameter types (and SQL
    // Server wants a size for variable-length types; -1 is unbounded).
    private static DbParameter Add(DbCommand command, string name, DbType type)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.DbType = type;
        if (type == DbType.String) p.Size = -1;
        command.Parameters.Add(p);
        return p;
    }
}
