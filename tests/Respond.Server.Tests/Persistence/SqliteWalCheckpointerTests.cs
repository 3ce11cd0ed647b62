using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Respond.Server.Persistence;

namespace Respond.Server.Tests.Persistence;

public sealed class SqliteWalCheckpointerTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"respond-wal-{Guid.NewGuid():N}.db");
    private string ConnectionString => $"Data Source={_path};Pooling=True";

    [Fact]
    public async Task Commits_LeaveTheWriteAheadLogToTheCheckpointer_WhichCopiesItIntoTheDatabaseFileEveryInterval()
    {
        // About 2,500 pages committed in 25 transactions: past SQLite's own automatic checkpoint (1,000 pages).
        await WriteAsync(new SqlitePragmas(SqliteWalCheckpointer.BackstopPages));
        Assert.True(FileLength < MiB, $"the commits copied the log themselves: {FileLength} bytes in the database file");

        var time = new FakeTimeProvider();
        var options = Microsoft.Extensions.Options.Options.Create(new DatabaseOptions { WalCheckpointInterval = TimeSpan.FromSeconds(1) });
        using var checkpointer = new SqliteWalCheckpointer(ConnectionString, time, options, NullLogger<SqliteWalCheckpointer>.Instance);
        await checkpointer.StartAsync(default);
        Assert.Equal(0, checkpointer.Checkpoints);
        // The service starts its timer on a thread of its own, maybe after a first move of the clock: the clock moves one
        // interval at a time until it has ticked.
        Assert.True(SpinWait.SpinUntil(() =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            return checkpointer.Checkpoints > 0;
        }, TimeSpan.FromSeconds(30)), "no checkpoint as the intervals passed");
        await checkpointer.StopAsync(default);

        Assert.True(FileLength > 9 * MiB, $"the checkpoint left the database file at {FileLength} bytes");
    }

    [Fact]
    public async Task WithoutTheCheckpointer_CommitsCopyTheLogThemselves_AsSqliteDoesByDefault()
    {
        await WriteAsync(new SqlitePragmas(null));

        Assert.True(FileLength > 3 * MiB, $"no commit copied the log: {FileLength} bytes in the database file");
    }

    private long FileLength => new FileInfo(_path).Length;

    private async Task WriteAsync(SqlitePragmas pragmas)
    {
        var options = new DbContextOptionsBuilder<SqliteRespondDbContext>().UseSqlite(ConnectionString).AddInterceptors(pragmas).Options;
        await using var db = new SqliteRespondDbContext(options);
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL; CREATE TABLE blobs (data BLOB);");
        for (var transaction = 0; transaction < 25; transaction++)
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            for (var row = 0; row < 100; row++) await db.Database.ExecuteSqlRawAsync("INSERT INTO blobs (data) VALUES (randomblob(4000));");
            await tx.CommitAsync();
        }
    }

    public void Dispose()
    {
        using (var connection = new SqliteConnection(ConnectionString)) SqliteConnection.ClearPool(connection);
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" }) File.Delete(file);
    }
}
