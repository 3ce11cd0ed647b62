using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Features.Events;
using Respond.Server.Features.Settings;
using Respond.Server.Persistence;
using Respond.Server.Telemetry;

namespace Respond.Server.Features.Engine;

/// <summary>
/// The consumer of the event log. Each partition (organization) with events past its checkpoint is drained by one task
/// at a time, in sequence order, chunk by chunk (a chunk's effects and the new checkpoint commit together); up to
/// <see cref="EngineOptions.MaxParallelPartitions"/> partitions drain at once. A chunk that fails is evaluated again
/// event by event; an event that fails <see cref="EngineOptions.MaxEvaluationAttempts"/> times is parked (with the
/// checkpoint moved past it in the same transaction) and the partition goes on.
/// </summary>
public sealed class EventLogEvaluator(
    EvaluationPartitions partitions,
    PartitionOwnership ownership,
    RuleEvaluator evaluator,
    EvaluationBackpressure backpressure,
    IServiceScopeFactory scopes,
    IOptions<EngineOptions> options,
    TimeProvider time,
    ILogger<EventLogEvaluator> logger) : BackgroundService
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxParallelPartitions, options.Value.MaxParallelPartitions);
    private readonly HashSet<string> _draining = new(StringComparer.Ordinal);
    private readonly List<Task> _drains = [];
    private volatile bool _paused;

    /// <summary>Stops evaluating after the current chunk (events are still appended to the log). For tests and maintenance.</summary>
    public void Pause() => _paused = true;

    public void Resume()
    {
        _paused = false;
        partitions.Wake();
    }

    public bool Paused => _paused;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await partitions.WaitForWorkAsync(stoppingToken);
                if (_paused) continue;
                lock (_drains)
                {
                    _drains.RemoveAll(t => t.IsCompleted);
                    foreach (var partition in partitions.Held.Where(p => p.HasWork))
                    {
                        if (!_draining.Add(partition.OrganizationId)) continue;
                        // The partition queues for its first slot here, in the order partitions were found with work, not
                        // when the thread pool gets to its drain: a drain that ran first on a busy pool could otherwise take
                        // every chunk of its backlog before the other partitions even queued.
                        _drains.Add(DrainAsync(partition, _slots.WaitAsync(stoppingToken), stoppingToken));
                    }
                }
                partitions.Progressed();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        Task[] running;
        lock (_drains) running = [.. _drains];
        await Task.WhenAll(running);
    }

    private async Task DrainAsync(EvaluationPartition partition, Task firstSlot, CancellationToken ct)
    {
        await Task.Yield();
        Task? queued = firstSlot;
        var failed = false;
        try
        {
            // A slot is taken for one chunk at a time: partitions with events waiting take turns chunk by chunk (the
            // slots queue in arrival order), so under a steady stream one partition cannot keep a slot while the others'
            // backlogs grow, and a partition that waited has a fuller chunk when its turn comes.
            var more = true;
            while (more && !_paused && !ct.IsCancellationRequested && ownership.Holds(partition.OrganizationId))
            {
                await (queued ?? _slots.WaitAsync(ct));
                queued = null;
                try
                {
                    using var _ = await partition.LockAsync(ct);
                    more = await DrainChunkAsync(partition, ct);
                }
                finally
                {
                    _slots.Release();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (PartitionLeaseLostException lost)
        {
            // Another node took the partition over while this one was evaluating: the chunk rolled back, the other node
            // goes on from the checkpoint; this node rebuilds the partition from the database if it takes it back.
            ownership.Drop(partition.OrganizationId);
            EngineLog.LeaseLost(logger, partition.OrganizationId, lost.Message);
        }
        catch (Exception ex)
        {
            // The database itself failed (parking did not commit either): nothing moved, the checkpoint holds. Try again later.
            EngineLog.PartitionFailed(logger, partition.OrganizationId, ex);
            failed = true;
        }
        finally
        {
            // The first slot, when the drain ended before using it, goes back once it is granted.
            queued?.ContinueWith(slot => { if (slot.IsCompletedSuccessfully) _slots.Release(); }, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            lock (_drains) _draining.Remove(partition.OrganizationId);
            partitions.Progressed();
        }
        if (failed)
        {
            try { await Task.Delay(TimeSpan.FromSeconds(1), time, ct); }
            catch (OperationCanceledException) { return; }
        }
        // Events appended while this drain was finishing are picked up by the next pass.
        if (partition.HasWork && ownership.Holds(partition.OrganizationId)) partitions.Wake();
    }

    /// <summary>Evaluates the next chunk of the partition's log; false when there was none or the checkpoint reached the head.</summary>
    private async Task<bool> DrainChunkAsync(EvaluationPartition partition, CancellationToken ct)
    {
        // The chunk is read and evaluated in one scope: its reads track nothing, so the unit's context starts clean.
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        // One connection for the whole chunk (the switch, the chunk, the unit's reads and its transaction), not one per
        // command: on SQLite each open and close registers and drops EF's SQL functions on the connection, objects the
        // finalizer then has to collect (about 4,000 a second at 1,000 events/s; docs/performance.md, ninth session).
        await db.Database.OpenConnectionAsync(ct);
        // Every event up to the head known now was committed before it was reported: a read that finds none of
        // them means they are gone (nothing deletes the log today), so the partition may move up to that head.
        var head = partition.Head;
        var checkpoint = partition.Checkpoint;
        if (!await db.IsRespondOnAsync(partition.OrganizationId, ct))
        {
            // Respond off: nothing runs, so the checkpoint moves to the head in one step, without reading the events.
            if (head > checkpoint)
            {
                var skipped = (int)Math.Min(partition.Pending, int.MaxValue);
                using var skipSpan = StartSpan("skip events", partition, head, skipped);
                await evaluator.SkipToAsync(partition, head, scope, ct);
                Evaluated(partition, skipped, head);
            }
            return MoreToDo(partition);
        }
        var batch = await NextChunkAsync(db, partition, checkpoint, ct);
        if (batch.Count == 0)
        {
            if (head > checkpoint) partition.Evaluated(0, head);
            partition.CaughtUp();
            return false;
        }
        using var span = StartSpan("evaluate events", partition, batch[^1].Sequence, batch.Count)?.SetTag("respond.sequence.first", batch[0].Sequence);
        try
        {
            try
            {
                await evaluator.EvaluateFromLogAsync(partition, batch, scope, ct);
            }
            catch (DbUpdateConcurrencyException) when (!ct.IsCancellationRequested)
            {
                // An alert the chunk absorbed into changed meanwhile (an analyst acknowledged or closed it): the unit rolled
                // back and forgot what it knew of the partition's alerts; evaluated again (in a fresh scope: the failed
                // unit's context still tracks its changes), it reads them as they are now.
                await using var fresh = scopes.CreateAsyncScope();
                await evaluator.EvaluateFromLogAsync(partition, batch, fresh, ct);
            }
            Evaluated(partition, batch.Count, batch[^1].Sequence);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is not PartitionLeaseLostException)
        {
            span?.SetStatus(ActivityStatusCode.Error, "The chunk failed; its events are evaluated one by one.");
            EngineLog.ChunkFailed(logger, batch.Count, partition.OrganizationId, batch[0].Sequence, ex);
            foreach (var logged in batch) await EvaluateAloneAsync(partition, logged, ct);
        }
        return MoreToDo(partition);
    }

    /// <summary>
    /// The events after the checkpoint, in sequence order: from the partition's tail in memory when it holds them (no
    /// read, no second parse; see <see cref="EvaluationPartition"/>), else from the log, up to where the tail begins.
    /// </summary>
    private async Task<List<LoggedEvent>> NextChunkAsync(RespondDbContext db, EvaluationPartition partition, long checkpoint, CancellationToken ct)
    {
        var size = options.Value.EvaluationChunkSize;
        var fromTail = partition.TakeFromTail(checkpoint, size);
        if (fromTail is null)
        {
            var tailStart = partition.TailStart;
            var batch = new List<LoggedEvent>();
            await foreach (var stored in ChunkOf.For(db)(db, partition.OrganizationId, checkpoint, tailStart == 0 ? long.MaxValue : tailStart, size).WithCancellation(ct))
                batch.Add(new LoggedEvent(stored));
            if (batch.Count > 0 || tailStart == 0) return batch;
            // Nothing is left before the tail: from here on, chunks come from it.
            partition.JoinTail(tailStart);
            fromTail = partition.TakeFromTail(checkpoint, size) ?? [];
        }
        return fromTail.ConvertAll(e => new LoggedEvent(e.Sequence, e.Event));
    }

    /// <summary>After a chunk: whether the head is still ahead, so that reaching it costs no read of an empty chunk.</summary>
    private static bool MoreToDo(EvaluationPartition partition)
    {
        if (partition.HasWork) return true;
        partition.CaughtUp();
        return false;
    }

    private static readonly CompiledQuery<Func<RespondDbContext, string, long, long, int, IAsyncEnumerable<StoredEvent>>> ChunkOf = new(() =>
        EF.CompileAsyncQuery((RespondDbContext db, string organizationId, long checkpoint, long before, int size) => db.Events.AsNoTracking()
            .Where(e => e.OrganizationId == organizationId && e.Sequence > checkpoint && e.Sequence < before).OrderBy(e => e.Sequence).Take(size)));

    /// <summary>
    /// One span per chunk (or per skip of a partition whose Respond is off), never per event. It continues the trace of
    /// the request that appended the first of its events and links the other requests whose events it covers, so an
    /// ingest request's trace shows what became of its events.
    /// </summary>
    private static Activity? StartSpan(string name, EvaluationPartition partition, long lastSequence, int count)
    {
        if (!RespondTelemetry.Source.HasListeners()) return null;
        var producers = partition.ProducersOf(partition.Checkpoint, lastSequence);
        var span = RespondTelemetry.Source.StartActivity(name, ActivityKind.Consumer, producers.Count > 0 ? producers[0] : default,
            links: producers.Skip(1).Select(p => new ActivityLink(p)));
        return span?.SetTag("respond.organization_id", partition.OrganizationId).SetTag("respond.events.count", count).SetTag("respond.sequence.last", lastSequence);
    }

    private async Task EvaluateAloneAsync(EvaluationPartition partition, LoggedEvent logged, CancellationToken ct)
    {
        Exception? last = null;
        var attempts = options.Value.MaxEvaluationAttempts;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await evaluator.EvaluateFromLogAsync(partition, [logged], scope, ct);
                Evaluated(partition, 1, logged.Sequence);
                return;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && ex is not PartitionLeaseLostException)
            {
                last = ex;
                EngineLog.EventFailed(logger, logged.Sequence, logged.EventId, logged.OrganizationId, attempt, ex);
            }
        }
        var reason = $"{last!.GetType().Name}: {last.Message}";
        await evaluator.ParkAsync(partition, logged, reason, attempts, ct);
        EngineLog.EventParked(logger, logged.Sequence, logged.EventId, logged.OrganizationId, attempts, reason);
        Evaluated(partition, 1, logged.Sequence);
    }

    private void Evaluated(EvaluationPartition partition, int count, long checkpoint)
    {
        partition.Evaluated(count, checkpoint);
        backpressure.Evaluated(count);
        partitions.Progressed();
    }
}
