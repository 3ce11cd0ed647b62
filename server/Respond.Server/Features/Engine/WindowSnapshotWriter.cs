using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Persistence;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Features.Engine;

/// <summary>
/// Writes a partition's window snapshot when evaluation from the log made one due, after that unit of work and off the
/// partition's turn, so no partition waits for its own snapshot and one that cannot be stored fails no event (inside the
/// unit, its failure failed the events, which ended parked). A snapshot only shortens the replay after a restart (the
/// log can rebuild every window up to it), so it may land later than the unit; until it lands the stored position stays
/// the previous one. The windows are captured under the partition's
/// lock between units, so what is written is exactly the state at the checkpoint stored with it. A unit that does not
/// come from the log writes its snapshot in its own transaction, as before (<see cref="RuleEvaluator"/>): a snapshot
/// captured before it is then older and is dropped.
/// </summary>
public sealed class WindowSnapshotWriter(
    IServiceScopeFactory scopes,
    EvaluationPartitions partitions,
    PartitionOwnership ownership,
    SqliteWriteGate writers,
    IOptions<EngineOptions> options,
    TimeProvider time,
    ILogger<WindowSnapshotWriter> logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<Task> _running = [];

    /// <summary>Starts writing <paramref name="partition"/>'s snapshot unless one is being written already.</summary>
    public void Request(EvaluationPartition partition)
    {
        if (!partition.TryStartSnapshot()) return;
        var task = Task.Run(() => WriteAsync(partition, _stopping.Token));
        lock (_running) _running.Add(task);
        task.ContinueWith(t => { lock (_running) _running.Remove(t); }, TaskScheduler.Default);
    }

    private async Task WriteAsync(EvaluationPartition partition, CancellationToken ct)
    {
        try
        {
            // Changes committed while one snapshot was written are written next, once due, so none waits for more events.
            do await WriteOnceAsync(partition, ct);
            while (partition.Windows.HasChanges && IsDue(partition) && ownership.Holds(partition.OrganizationId) && !ct.IsCancellationRequested);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException && ct.IsCancellationRequested)
        {
            partition.Windows.MarkUnsaved();
        }
        catch (Exception ex)
        {
            // The stored snapshot stays the previous one: a restart replays more of the log, nothing is lost.
            partition.Windows.MarkUnsaved();
            EngineLog.SnapshotFailed(logger, partition.OrganizationId, ex);
        }
        finally
        {
            partition.SnapshotEnded();
            partitions.Progressed();
        }
    }

    private async Task WriteOnceAsync(EvaluationPartition partition, CancellationToken ct)
    {
        List<byte[]> parts;
        long sequence, generation;
        using (await partition.LockAsync(ct))
        {
            // In a cluster the partition may have moved to another node meanwhile: its windows are that node's to write.
            if (!ownership.Holds(partition.OrganizationId)) return;
            parts = partition.Windows.Snapshot();
            partition.Windows.MarkSaved();
            sequence = partition.Checkpoint;
            generation = partition.NextSnapshotGeneration();
            partition.LastSnapshot = time.GetUtcNow();
        }
        using var turn = await partition.SnapshotWriteAsync(ct);
        // A unit not from the log wrote a newer snapshot meanwhile: this one would take its windows back.
        if (generation != partition.SnapshotGeneration) return;
        var snapshotId = WindowSnapshot.NewId();
        var fence = ownership.WriteFenceOf(partition.OrganizationId);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        // Each part in a transaction of its own: until the checkpoint names this snapshot, its parts count for nothing.
        for (var part = 0; part < parts.Count; part++)
            await InTransactionAsync(db, async () =>
            {
                WindowSnapshot.AddPart(db, partition.OrganizationId, snapshotId, part, parts[part]);
                await db.SaveChangesAsync(ct);
            }, ct);
        await InTransactionAsync(db, () => CheckpointStore.WriteWindowsSnapshotAsync(db, partition.OrganizationId, sequence, snapshotId, fence, ct), ct);
        partition.WindowsSequence = sequence;
        // The snapshot it replaced, and what an interrupted or superseded write left, one part per transaction too.
        foreach (var (other, part) in await WindowSnapshot.OthersThanAsync(db, partition.OrganizationId, snapshotId, ct))
            await InTransactionAsync(db, async () =>
            {
                // In a cluster, only while this node holds the partition: a node that took it over may be storing its own snapshot.
                if (fence is not null) await PartitionLeaseStore.PassFenceAsync(db, partition.OrganizationId, fence, ct);
                await db.WindowSnapshots.Where(p => p.OrganizationId == partition.OrganizationId && p.SnapshotId == other && p.Part == part).ExecuteDeleteAsync(ct);
            }, ct);
    }

    /// <summary>One short transaction in SQLite's write turn; the context forgets what it saved, so parts do not pile up in it.</summary>
    private async Task InTransactionAsync(RespondDbContext db, Func<Task> write, CancellationToken ct)
    {
        using var turn = await writers.EnterAsync(db, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await write();
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }

    /// <summary>Whether a partition's windows are due to be written (the interval, or that many events since the last snapshot).</summary>
    public bool IsDue(EvaluationPartition partition) =>
        time.GetUtcNow() - partition.LastSnapshot >= options.Value.WindowSnapshotInterval
        || partition.Checkpoint - partition.WindowsSequence >= options.Value.WindowSnapshotEvents;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Task[] running;
        lock (_running) running = [.. _running];
        try { await Task.WhenAll(running); }
        catch (Exception) { /* each write logged its own failure */ }
        _stopping.Dispose();
    }
}
