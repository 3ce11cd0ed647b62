using Microsoft.EntityFrameworkCore;

namespace Respond.Server.Persistence;

/// <summary>
/// On SQLite, the process's hot writers (the log's appends, the evaluator's commits) take the file's single write lock in
/// arrival order. SQLite lets a writer that finds the file locked poll with growing sleeps (busy_timeout), which is not
/// fair: a writer that commits again and again keeps winning, and the other waits. Measured on the benchmark's steady
/// 1,000 events/s, requests waited up to 11 s and alerts arrived 30 s late (docs/performance.md). On SQL Server and
/// PostgreSQL (row locks, many writers) the gate is open.
/// </summary>
public sealed class SqliteWriteGate
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>Waits for this writer's turn; dispose the result after the commit (or the failure).</summary>
    public async ValueTask<Turn> EnterAsync(RespondDbContext db, CancellationToken ct)
    {
        if (!db.Database.IsSqlite()) return default;
        await _turn.WaitAsync(ct);
        return new Turn(_turn);
    }

    public readonly struct Turn(SemaphoreSlim? turn) : IDisposable
    {
        public void Dispose() => turn?.Release();
    }
}
