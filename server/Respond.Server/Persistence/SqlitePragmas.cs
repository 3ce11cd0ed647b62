using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Respond.Server.Persistence;

/// <summary>
/// Every SQLite connection runs with synchronous=NORMAL: with WAL that is still safe against a crash of the
/// process (a power loss may drop the last commits, never corrupt the file) and it halves the cost of each
/// ingestion transaction (docs/performance.md). busy_timeout lets a writer that finds the database locked (the log's
/// appends and the evaluator's commits take turns) wait inside SQLite with short back-offs, instead of failing into the
/// driver's own retry loop, which sleeps 150 ms a time. Both last as long as the SQLite connection, which the pool keeps
/// open between uses, so they run once per pooled connection, not on every open (EF opens one for each query). With
/// <paramref name="autoCheckpointPages"/>, a connection checkpoints the write-ahead log itself only past that many pages:
/// <see cref="SqliteWalCheckpointer"/> does it off the commits.
/// </summary>
internal sealed class SqlitePragmas(int? autoCheckpointPages) : DbConnectionInterceptor
{
    private readonly string _pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
        + (autoCheckpointPages is { } pages ? $" PRAGMA wal_autocheckpoint={pages};" : "");

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The page cache of a connection while it appends to the log (<c>PRAGMA cache_size</c>, in KiB when negative): the
    /// log's unique index takes random event ids, and a transaction of 1,000 appends touches more pages than SQLite's
    /// default 2 MiB hold (docs/performance.md: +25-35 % pipeline throughput). Appends take turns, so one connection at a
    /// time holds it; it goes back to the default after the transaction, which frees the pages.
    /// </summary>
    public const string AppendCache = "PRAGMA cache_size=-8192;";

    /// <summary>SQLite's default page cache (2 MiB), what every other use of a connection runs with.</summary>
    public const string DefaultCache = "PRAGMA cache_size=-2000;";

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> _applied = new();

    private void Apply(DbConnection connection)
    {
        var handle = (connection as Microsoft.Data.Sqlite.SqliteConnection)?.Handle;
        if (handle is not null && _applied.TryGetValue(handle, out _)) return;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = _pragmas;
            command.ExecuteNonQuery();
        }
        if (handle is not null) _applied.AddOrUpdate(handle, handle);
    }
}
