using System.Buffers;
using System.Data;
using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Events;

/// <summary>
/// The log's append path: one transaction per chunk (on SQLite, per the chunks queued for the write turn), a prepared
/// statement run per event (SQLite, SQL Server) or one statement for the whole chunk (PostgreSQL), insert-if-absent on (OrganizationId, Source, EventId) (on SQLite through its key,
/// <see cref="EventKey"/>): idempotency is per organization, so one tenant's key never hides another's event. This is
/// the hot path of the benchmark (docs/performance.md), so it bypasses EF's change tracker.
/// </summary>
public sealed class EventStore(RespondDbContext db, SqliteWriteGate writers, SqliteAppendQueue queue, IEventLogReaders readers, TimeProvider time)
{
    /// <summary>Stores the events that are new and returns them with their sequence; duplicates are skipped.</summary>
    public async Task<List<(ParsedEvent Event, long Sequence)>> InsertAsync(IReadOnlyList<ParsedEvent> events, CancellationToken ct)
    {
        if (events.Count == 0) return [];
        // Opened through EF so its connection interceptors (SQLite pragmas) apply.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (db.Database.IsSqlite()) return await AppendInTurnAsync(events, ct);
            var inserted = new List<(ParsedEvent, long)>(events.Count);
            await AppendAsync(db.Database.GetDbConnection(), events, inserted, db.Database.RunsOnSqlServer(), ct);
            return inserted;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// SQLite: the events queue for the write turn (<see cref="SqliteAppendQueue"/>). Either the turn comes and this
    /// append writes everything queued, its own events among them, or another append's turn stores them first and this
    /// one leaves the line. A sender that gives up while waiting takes its events back, unless a turn already took them:
    /// then they are stored, and it answers with them like any other.
    /// </summary>
    private async Task<List<(ParsedEvent Event, long Sequence)>> AppendInTurnAsync(IReadOnlyList<ParsedEvent> events, CancellationToken ct)
    {
        var mine = queue.Enqueue(events);
        using var leaveTheLine = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var turn = writers.EnterAsync(db, leaveTheLine.Token).AsTask();
        if (await Task.WhenAny(mine.Done, turn) == mine.Done)
        {
            leaveTheLine.Cancel();
            try { (await turn).Dispose(); }
            catch (OperationCanceledException) { }
            return await mine.Done;
        }
        SqliteWriteGate.Turn held;
        try
        {
            held = await turn;
        }
        catch (OperationCanceledException)
        {
            if (queue.Withdraw(mine)) throw;
            return await mine.Done;
        }
        using (held) await AppendQueuedAsync();
        return await mine.Done;
    }

    /// <summary>
    /// Holding the write turn: appends every queued batch in one transaction and answers each. Nothing here is cancelled
    /// by the sender who holds the turn, since the others' events ride on it; a failure fails them all, and each sender
    /// sends its batch again (replays are harmless).
    /// </summary>
    private async Task AppendQueuedAsync()
    {
        var batches = queue.TakeAll();
        if (batches.Count == 0) return;
        try
        {
            await db.Database.ExecuteSqlRawAsync(SqlitePragmas.AppendCache, CancellationToken.None);
            try
            {
                var inserted = AppendToSqlite((SqliteConnection)db.Database.GetDbConnection(), batches, time.GetUtcNow().UtcTicks);
                // Still holding the turn: the readers see the log's commits in order (the batches' sequences ascend).
                foreach (var stored in inserted) readers.Committed(stored);
                for (var i = 0; i < batches.Count; i++) batches[i].Stored(inserted[i]);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync(SqlitePragmas.DefaultCache, CancellationToken.None);
            }
        }
        catch (Exception failure)
        {
            foreach (var batch in batches) batch.Failed(failure);
        }
    }

    /// <summary>
    /// Insert-if-absent through the event's key (<see cref="EventKey"/>): an event is a duplicate only when a stored one
    /// has its key and the same organization, source and id. The key's index is named, so the duplicate check never
    /// scans an organization's part of the log instead. SQLite has one writer at a time, so nothing commits between the
    /// check and the insert.
    /// </summary>
    private const string SqliteAppend = """
        INSERT INTO "Events" ("EventId", "OrganizationId", "Source", "Type", "Severity", "Time", "ReceivedAt", "Json", "IdempotencyKey")
        SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
        WHERE NOT EXISTS (SELECT 1 FROM "Events" INDEXED BY "IX_Events_IdempotencyKey"
                          WHERE "IdempotencyKey" = ?9 AND "OrganizationId" = ?2 AND "Source" = ?3 AND "EventId" = ?1)
        """;

    /// <summary>
    /// SQLite: one transaction for the queued chunks, the statement stepped through SQLite's own API, the event's JSON
    /// bound as the parser's UTF-8 and each other text as UTF-8 from one reused buffer. Through ADO.NET every row
    /// allocated a reader, a binder per parameter and a UTF-8 copy of each string, about 1.7 KB per event and 8 % of what
    /// the server allocated in the benchmark's pipeline, all while holding SQLite's one write turn (docs/performance.md,
    /// tenth session).
    /// </summary>
    private static List<(ParsedEvent Event, long Sequence)>[] AppendToSqlite(SqliteConnection connection, List<SqliteAppendQueue.Append> batches, long receivedAt)
    {
        var inserted = new List<(ParsedEvent, long)>[batches.Count];
        using var tx = connection.BeginTransaction();
        var db = connection.Handle!;
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(db, SqliteAppend, out var statement), db);
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            for (var b = 0; b < batches.Count; b++)
            {
                var events = batches[b].Events;
                inserted[b] = new List<(ParsedEvent, long)>(events.Count);
                foreach (var e in events)
                {
                    BindText(db, statement, 1, e.EventId, ref buffer);
                    BindText(db, statement, 2, e.OrganizationId, ref buffer);
                    BindText(db, statement, 3, e.Source, ref buffer);
                    BindText(db, statement, 4, e.Type, ref buffer);
                    SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_int(statement, 5, (int)e.Severity), db);
                    SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_int64(statement, 6, e.Time.UtcTicks), db);
                    SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_int64(statement, 7, receivedAt), db);
                    SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_text(statement, 8, e.Utf8Json), db);
                    SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_int64(statement, 9, EventKey.Of(e.OrganizationId, e.Source, e.EventId)), db);
                    SqliteException.ThrowExceptionForRC(raw.sqlite3_step(statement), db);
                    // The new row's rowid is its sequence; a duplicate inserts nothing. No RETURNING, which buffers the
                    // returned row in a table of its own: the pipeline ran about 7 % faster without (docs/performance.md,
                    // nineteenth session).
                    if (raw.sqlite3_changes(db) == 1) inserted[b].Add((e, raw.sqlite3_last_insert_rowid(db)));
                    SqliteException.ThrowExceptionForRC(raw.sqlite3_reset(statement), db);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            statement.Dispose();
        }
        tx.Commit();
        return inserted;
    }

    // SQLite copies the bytes (SQLitePCL binds with SQLITE_TRANSIENT), so the buffer is free again when this returns.
    private static void BindText(sqlite3 db, sqlite3_stmt statement, int index, string value, ref byte[] buffer)
    {
        var most = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (buffer.Length < most)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = ArrayPool<byte>.Shared.Rent(most);
        }
        var length = Encoding.UTF8.GetBytes(value, buffer);
        SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_text(statement, index, buffer.AsSpan(0, length)), db);
    }

    /// <summary>SQL Server and PostgreSQL: one transaction, insert-if-absent of each event, the new ones added to <paramref name="inserted"/> with their sequence.</summary>
    private async Task AppendAsync(DbConnection connection, IReadOnlyList<ParsedEvent> events, List<(ParsedEvent, long)> inserted, bool sqlServer, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        await LockOrganizationsAsync(connection, tx, events, sqlServer, ct);
        if (sqlServer) await AppendToSqlServerAsync(connection, tx, events, inserted, ct);
        else await AppendToPostgreSqlAsync(connection, tx, events, inserted, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// PostgreSQL: the whole chunk in one statement, its columns as arrays, instead of a round trip per event (with those,
    /// the store-only path took a whole server core for about 3,300 events/s: docs/performance.md, twenty-third session). The rows are
    /// inserted in the chunk's order, so sequences ascend with it and the first of two events with one key is the one
    /// stored; the statement returns the key of each row it inserted, which finds its event.
    /// </summary>
    private async Task AppendToPostgreSqlAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<ParsedEvent> events, List<(ParsedEvent, long)> inserted, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = """
            INSERT INTO "Events" ("EventId", "OrganizationId", "Source", "Type", "Severity", "Time", "ReceivedAt", "Json")
            SELECT e.id, e.org, e.source, e.type, e.severity, e.time, @received, CAST(e.json AS jsonb)
            FROM unnest(@id, @org, @source, @type, @severity, @time, @json) WITH ORDINALITY AS e(id, org, source, type, severity, time, json, n)
            ORDER BY e.n
            ON CONFLICT ("OrganizationId", "Source", "EventId") DO NOTHING
            RETURNING "Sequence", "OrganizationId", "Source", "EventId"
            """;
        var (ids, orgs, sources, types) = (new string[events.Count], new string[events.Count], new string[events.Count], new string[events.Count]);
        var (severities, times, jsons) = (new int[events.Count], new long[events.Count], new string[events.Count]);
        var byKey = new Dictionary<(string, string, string), ParsedEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            (ids[i], orgs[i], sources[i], types[i]) = (e.EventId, e.OrganizationId, e.Source, e.Type);
            (severities[i], times[i], jsons[i]) = ((int)e.Severity, e.Time.UtcTicks, Encoding.UTF8.GetString(e.Utf8Json));
            byKey.TryAdd((e.OrganizationId, e.Source, e.EventId), e);
        }
        AddValue(command, "@id", ids);
        AddValue(command, "@org", orgs);
        AddValue(command, "@source", sources);
        AddValue(command, "@type", types);
        AddValue(command, "@severity", severities);
        AddValue(command, "@time", times);
        AddValue(command, "@json", jsons);
        AddValue(command, "@received", time.GetUtcNow().UtcTicks);
        var start = inserted.Count;
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                inserted.Add((byKey[(reader.GetString(1), reader.GetString(2), reader.GetString(3))], reader.GetInt64(0)));
        // RETURNING gives no order: the caller hands the events on in sequence order.
        inserted.Sort(start, inserted.Count - start, Comparer<(ParsedEvent, long Sequence)>.Create((a, b) => a.Sequence.CompareTo(b.Sequence)));
    }

    /// <summary>SQL Server: insert-if-absent of each event through one prepared statement.</summary>
    private async Task AppendToSqlServerAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<ParsedEvent> events, List<(ParsedEvent, long)> inserted, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = """
            IF NOT EXISTS (SELECT 1 FROM [Events] WITH (UPDLOCK, HOLDLOCK) WHERE [OrganizationId] = @org AND [Source] = @source AND [EventId] = @id)
            INSERT INTO [Events] ([EventId], [OrganizationId], [Source], [Type], [Severity], [Time], [ReceivedAt], [Json])
            OUTPUT INSERTED.[Sequence]
            VALUES (@id, @org, @source, @type, @severity, @time, @received, @json)
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
            json.Value = Encoding.UTF8.GetString(e.Utf8Json);
            var sequence = await command.ExecuteScalarAsync(ct);
            if (sequence is not null and not DBNull) inserted.Add((e, Convert.ToInt64(sequence, System.Globalization.CultureInfo.InvariantCulture)));
        }
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

    // PostgreSQL takes an array's type from its element type (text[], integer[], bigint[]).
    private static void AddValue(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
