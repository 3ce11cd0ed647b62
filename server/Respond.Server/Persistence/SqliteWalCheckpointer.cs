using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Respond.Server.Persistence;

/// <summary>
/// On SQLite, copies the write-ahead log into the database file from a connection of its own, every
/// <see cref="DatabaseOptions.WalCheckpointInterval"/>, instead of inside whichever commit pushed the log past 1,000 pages
/// (SQLite's default). That commit paid for the copy while it held the write turn: on the benchmark at 1,000 events/s,
/// about one append or unit of work in six held it 16-32 ms instead of 1-4 ms, and everything queued behind it
/// (docs/performance.md). A PASSIVE checkpoint waits for no one: it copies what no reader still needs and leaves the rest
/// for the next. Pooled connections keep an automatic checkpoint at <see cref="BackstopPages"/>, so the log stays
/// bounded if this one falls behind or stops.
/// </summary>
public sealed partial class SqliteWalCheckpointer(string connectionString, TimeProvider time, IOptions<DatabaseOptions> options, ILogger<SqliteWalCheckpointer> logger)
    : BackgroundService
{
    /// <summary>The automatic checkpoint of the pooled connections while this one runs (pages of 4 KiB: 40 MiB).</summary>
    public const int BackstopPages = 10_000;

    private int _checkpoints;

    /// <summary>Checkpoints run since start-up.</summary>
    public int Checkpoints => Volatile.Read(ref _checkpoints);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(stoppingToken);
            using var timer = new PeriodicTimer(options.Value.WalCheckpointInterval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try { await CheckpointAsync(connection, stoppingToken); }
                catch (SqliteException ex) { CheckpointFailed(logger, ex); }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    private async Task CheckpointAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        await command.ExecuteNonQueryAsync(ct);
        Interlocked.Increment(ref _checkpoints);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkpointing SQLite's write-ahead log failed; the next interval tries again")]
    private static partial void CheckpointFailed(ILogger logger, Exception exception);
}
