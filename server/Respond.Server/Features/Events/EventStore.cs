using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Events;

/// <summary>
/// The log's append path: one transaction and one prepared statement per chunk, insert-if-absent on
/// (OrganizationId, Source, EventId): idempotency is per organization, so one tenant's key never hides another's event. This is the hot path of the benchmark (docs/performance.md), so it bypasses EF's change tracker.
/// </summary>
public sealed class EventStore(RespondDbContext db, TimeProvider time)
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
            await using var tx = await connection.BeginTransactionAsync(ct);
            if (!db.Database.IsSqlite()) await LockOrganizationsAsync(connection, tx, events, ct);
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = db.Database.IsSqlite()
                ? """
                  INSERT INTO "Events" ("EventId", "OrganizationId", "Source", "Type", "Severity", "Time", "ReceivedAt", "Json")
                  VALUES (@id, @org, @source, @type, @severity, @time, @received, @json)
                  ON CONFLICT ("OrganizationId", "Source", "EventId") DO NOTHING
                  RETURNING "Sequence"
                  """
                : """
                  IF NOT EXISTS (SELECT 1 FROM [Events] WITH (UPDLOCK, HOLDLOCK) WHERE [OrganizationId] = @org AND [Source] = @source AND [EventId] = @id)
                  INSERT INTO [Events] ([EventId], [OrganizationId], [Source], [Type], [Severity], [Time], [ReceivedAt], [Json])
                  OUTPUT INSERTED.[Sequence]
                  VALUES (@id, @org, @source, @type, @severity, @time, @received, @json)
                  """;
            var id = Add(command, "@id");
            var org = Add(command, "@org");
            var source = Add(command, "@source");
            var type = Add(command, "@type");
            var severity = Add(command, "@severity");
            var at = Add(command, "@time");
            var received = Add(command, "@received");
            var json = Add(command, "@json");
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
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return inserted;
    }

    /// <summary>
    /// The evaluator reads each organization's log in sequence order and trusts that nothing commits behind its
    /// checkpoint. SQLite has one writer at a time, so sequences commit in order; on SQL Server two transactions may
    /// commit identity values out of order, so appends of one organization take turns (an application lock per
    /// organization, taken in a fixed order, held until commit).
    /// </summary>
    private static async Task LockOrganizationsAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<ParsedEvent> events, CancellationToken ct)
    {
        foreach (var organization in events.Select(e => e.OrganizationId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = "EXEC sp_getapplock @Resource = @resource, @LockMode = 'Exclusive', @LockOwner = 'Transaction'";
            var resource = Add(command, "@resource");
            resource.Value = "respond-log:" + organization;
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static DbParameter Add(DbCommand command, string name)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        command.Parameters.Add(p);
        return p;
    }
}
