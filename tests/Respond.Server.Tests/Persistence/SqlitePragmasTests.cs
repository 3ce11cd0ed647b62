using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Persistence;

namespace Respond.Server.Tests.Persistence;

public sealed class SqlitePragmasTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"respond-pragmas-{Guid.NewGuid():N}.db");
    private string ConnectionString => $"Data Source={_path};Pooling=True";

    [Fact]
    public async Task EveryPooledConnection_RunsWithSynchronousNormalAndABusyTimeout_SetOnceNotOnEveryOpen()
    {
        var options = new DbContextOptionsBuilder<SqliteRespondDbContext>().UseSqlite(ConnectionString)
            .AddInterceptors(new SqlitePragmas(null)).Options;

        // Two physical connections at once: each is configured when the pool opens it.
        await using (var first = new SqliteRespondDbContext(options))
        await using (var second = new SqliteRespondDbContext(options))
        {
            await first.Database.OpenConnectionAsync();
            await second.Database.OpenConnectionAsync();
            Assert.Equal((1L, 30000L, -2000L), await PragmasAsync(first));
            Assert.Equal((1L, 30000L, -2000L), await PragmasAsync(second));
            await ExecAsync(first, "PRAGMA synchronous=FULL;");
            await ExecAsync(second, "PRAGMA synchronous=FULL;");
        }

        // Taken from the pool again: not configured a second time (EF opens a connection for every query), so what was
        // set on it above is still there.
        await using var again = new SqliteRespondDbContext(options);
        await again.Database.OpenConnectionAsync();
        Assert.Equal((2L, 30000L, -2000L), await PragmasAsync(again));
    }

    private static async Task<(long Synchronous, long BusyTimeout, long CacheSize)> PragmasAsync(DbContext db) =>
        ((long)(await ScalarAsync(db, "PRAGMA synchronous;"))!, (long)(await ScalarAsync(db, "PRAGMA busy_timeout;"))!, (long)(await ScalarAsync(db, "PRAGMA cache_size;"))!);

    private static async Task<object?> ScalarAsync(DbContext db, string sql)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private static Task ExecAsync(DbContext db, string sql) => db.Database.ExecuteSqlRawAsync(sql);

    public void Dispose()
    {
        using (var connection = new SqliteConnection(ConnectionString)) SqliteConnection.ClearPool(connection);
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" }) File.Delete(file);
    }
}
