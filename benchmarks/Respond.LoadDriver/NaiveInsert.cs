using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Respond.LoadDriver;

/// <summary>What one naive-insert variant measured.</summary>
public sealed record NaiveResult(string Name, int Rows, TimeSpan Elapsed, string JournalMode, string Synchronous)
{
    public double PerSecond => Rows / Elapsed.TotalSeconds;
}

/// <summary>
/// The machine's limit for the same events: a plain prepared-statement SQLite insert into a table with the server's
/// <c>Events</c> columns, in transactions of a batch each, one connection, no HTTP, no parsing, no rules.
/// </summary>
public static class NaiveInsert
{
    /// <summary>
    /// Runs one variant on a fresh database file. <paramref name="synchronous"/> null leaves SQLite's default (FULL; the
    /// server sets NORMAL). <paramref name="serverShape"/> is the server's table instead: no unique index on the three
    /// texts but its 64-bit key of them (SHA-256, as the server's <c>EventKey</c>) under a plain index, its other two
    /// indexes, (OrganizationId, Time) and (OrganizationId, Sequence), and its statement (insert where no stored event has
    /// the key and the three; the new row's sequence read as SQLite's last rowid).
    /// </summary>
    public static NaiveResult Run(string name, string path, IReadOnlyList<GeneratedEvent> events, int batchSize, string? synchronous, bool serverShape)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            if (File.Exists(file)) File.Delete(file);
        SqliteConnection.ClearAllPools();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString());
        connection.Open();
        BenchDatabase.Exec(connection, "PRAGMA journal_mode=WAL;");
        if (synchronous is not null) BenchDatabase.Exec(connection, $"PRAGMA synchronous={synchronous};");
        // The server's table (EF migrations Initial, EventIdempotencyKey): an AUTOINCREMENT sequence; the naive insert keeps a unique (OrganizationId, Source, EventId) index.
        BenchDatabase.Exec(connection, """
            CREATE TABLE "Events" (
                "Sequence" INTEGER NOT NULL CONSTRAINT "PK_Events" PRIMARY KEY AUTOINCREMENT,
                "EventId" TEXT NOT NULL,
                "OrganizationId" TEXT NOT NULL,
                "Source" TEXT NOT NULL,
                "Type" TEXT NOT NULL,
                "Severity" INTEGER NOT NULL,
                "Time" INTEGER NOT NULL,
                "ReceivedAt" INTEGER NOT NULL,
                "Json" TEXT NOT NULL);
            """);
        BenchDatabase.Exec(connection, serverShape
            ? """
              ALTER TABLE "Events" ADD COLUMN "IdempotencyKey" INTEGER NOT NULL DEFAULT 0;
              CREATE INDEX "IX_Events_IdempotencyKey" ON "Events" ("IdempotencyKey");
              CREATE INDEX "IX_Events_OrganizationId_Time" ON "Events" ("OrganizationId", "Time");
              CREATE INDEX "IX_Events_OrganizationId_Sequence" ON "Events" ("OrganizationId", "Sequence");
              """
            : """CREATE UNIQUE INDEX "IX_Events_OrganizationId_Source_EventId" ON "Events" ("OrganizationId", "Source", "EventId");""");
        var journal = BenchDatabase.Scalar(connection, "PRAGMA journal_mode;");
        var sync = BenchDatabase.Scalar(connection, "PRAGMA synchronous;") switch { "0" => "OFF (0)", "1" => "NORMAL (1)", "2" => "FULL (2)", "3" => "EXTRA (3)", var s => s };

        var sql = serverShape
            ? """
              INSERT INTO "Events" ("EventId", "OrganizationId", "Source", "Type", "Severity", "Time", "ReceivedAt", "Json", "IdempotencyKey")
              SELECT @id, @org, @source, @type, @severity, @time, @received, @json, @key
              WHERE NOT EXISTS (SELECT 1 FROM "Events" INDEXED BY "IX_Events_IdempotencyKey"
                                WHERE "IdempotencyKey" = @key AND "OrganizationId" = @org AND "Source" = @source AND "EventId" = @id)
              """
            : """
              INSERT INTO "Events" ("EventId", "OrganizationId", "Source", "Type", "Severity", "Time", "ReceivedAt", "Json")
              VALUES (@id, @org, @source, @type, @severity, @time, @received, @json)
              """;
        var watch = Stopwatch.StartNew();
        for (var start = 0; start < events.Count; start += batchSize)
        {
            using var tx = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = sql;
            var id = command.Parameters.Add("@id", SqliteType.Text);
            var org = command.Parameters.Add("@org", SqliteType.Text);
            var source = command.Parameters.Add("@source", SqliteType.Text);
            var type = command.Parameters.Add("@type", SqliteType.Text);
            var severity = command.Parameters.Add("@severity", SqliteType.Integer);
            var time = command.Parameters.Add("@time", SqliteType.Integer);
            var received = command.Parameters.Add("@received", SqliteType.Integer);
            var json = command.Parameters.Add("@json", SqliteType.Text);
            var key = serverShape ? command.Parameters.Add("@key", SqliteType.Integer) : null;
            command.Prepare();
            received.Value = DateTimeOffset.UtcNow.UtcTicks;
            var end = Math.Min(start + batchSize, events.Count);
            for (var i = start; i < end; i++)
            {
                var e = events[i];
                id.Value = e.Id;
                org.Value = e.OrganizationId;
                source.Value = e.Source;
                type.Value = e.Type;
                severity.Value = e.Severity;
                time.Value = e.Time.UtcTicks;
                json.Value = e.Json;
                if (key is not null) key.Value = Key(e);
                // The server reads a new row's sequence as SQLite's last rowid when the statement inserted one.
                if (command.ExecuteNonQuery() == 1 && serverShape) _ = SQLitePCL.raw.sqlite3_last_insert_rowid(connection.Handle);
            }
            tx.Commit();
        }
        watch.Stop();
        connection.Close();
        SqliteConnection.ClearAllPools();
        return new NaiveResult(name, events.Count, watch.Elapsed, journal, sync);
    }

    /// <summary>A key of the server's kind: the first 8 bytes of SHA-256 over the three (the server length-prefixes them; the cost is the same).</summary>
    private static long Key(GeneratedEvent e) =>
        System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{e.OrganizationId}\n{e.Source}\n{e.Id}")));
}
