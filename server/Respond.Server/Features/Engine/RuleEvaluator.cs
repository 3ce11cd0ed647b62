using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Respond.Server.Features.Approvals;
using Respond.Server.Features.Settings;
using Respond.Server.Features.Events;
using Respond.Server.Messaging;
using Respond.Server.Persistence;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Features.Engine;

/// <summary>
/// Runs the engine for the server: events from the log, decisions, timers and scheduled rules. Each unit of work
/// belongs to one partition (an organization) and runs under its lock, so an organization's windows and suppression
/// are decided in log order while other organizations run in parallel. A unit evaluates first and then writes
/// everything it changed in one short transaction (rows, windows, the partition's checkpoint); what it raised leaves the
/// process only after the commit.
/// </summary>
public sealed class RuleEvaluator(
    IServiceScopeFactory scopes,
    RuleIndex index,
    EvaluationPartitions partitions,
    PartitionOwnership ownership,
    RespondEvents events,
    SqliteWriteGate writers,
    WindowSnapshotWriter snapshots,
    IResumeScheduler scheduler,
    IOptions<ApprovalOptions> approvalOptions,
    IOptions<EngineOptions> engineOptions,
    TimeProvider time,
    ILogger<RuleEvaluator> logger,
    IExpressionEvaluator? expressions = null,
    IEvaluationProbe? probe = null) : Actions.IActionWaiters, IApprovalWaiters
{
    /// <summary>
    /// Evaluates events read from the log (the caller holds the partition's lock) and moves the checkpoint past the last
    /// of them in the same transaction (Respond on; with Respond off, <see cref="SkipToAsync"/>). <paramref name="scope"/>
    /// is the caller's, whose context tracks nothing yet (the chunk was read in it untracked: one context per chunk, not
    /// two); the caller disposes it, and gives a retry a fresh one.
    /// </summary>
    public Task EvaluateFromLogAsync(EvaluationPartition partition, IReadOnlyList<LoggedEvent> batch, IServiceScope scope, CancellationToken ct) =>
        InUnitOfWorkAsync(scope.ServiceProvider, partition, async (engine, uow) =>
        {
            EvictIfDue(partition);
            foreach (var logged in batch) await EvaluateAsync(engine, uow, partition, logged.ToWorkflowEvent(), ct);
            return 0;
        }, batch[^1].Sequence, null, ct);

    /// <summary>Respond is off for the partition: moves its checkpoint to <paramref name="to"/> (a head known committed) and runs nothing.</summary>
    public Task SkipToAsync(EvaluationPartition partition, long to, IServiceScope scope, CancellationToken ct) =>
        InUnitOfWorkAsync(scope.ServiceProvider, partition, (_, _) =>
        {
            EvictIfDue(partition);
            return Task.FromResult(0);
        }, to, null, ct);

    /// <summary>
    /// Start-up: windows changed after the partition's last snapshot were lost with the process; evaluating the log again
    /// from the snapshot's position up to the checkpoint, with every effect discarded (those events' alerts, runs and
    /// actions are stored already), rebuilds them exactly. Parked events are skipped, as they were live.
    /// </summary>
    public async Task<int> ReplayWindowsAsync(EvaluationPartition partition, CancellationToken ct)
    {
        using var _ = await partition.LockAsync(ct);
        var (from, to) = (partition.WindowsSequence, partition.Checkpoint);
        if (from >= to) return 0;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        if (!await db.IsRespondOnAsync(partition.OrganizationId, ct)) return 0;
        var parked = (await db.ParkedEvents.AsNoTracking()
            .Where(p => p.OrganizationId == partition.OrganizationId && p.Sequence > from && p.Sequence <= to)
            .Select(p => p.Sequence).ToListAsync(ct)).ToHashSet();
        var replayed = 0;
        while (from < to)
        {
            var batch = await db.Events.AsNoTracking()
                .Where(e => e.OrganizationId == partition.OrganizationId && e.Sequence > from && e.Sequence <= to)
                .OrderBy(e => e.Sequence).Take(engineOptions.Value.EvaluationChunkSize).ToListAsync(ct);
            if (batch.Count == 0) break;
            // A fresh engine per chunk whose sinks keep nothing: only the partition's windows are real.
            var engine = new WorkflowEngine(partition.Windows, new Respond.Workflows.Runtime.InMemory.RecordingAlertSink(),
                new Respond.Workflows.Runtime.InMemory.RecordingActionDispatcher(), new Respond.Workflows.Runtime.InMemory.RecordingApprovalGateway(),
                new Respond.Workflows.Runtime.InMemory.InMemoryInstanceStore(), new Respond.Workflows.Runtime.InMemory.ManualResumeScheduler(), time,
                new WorkflowEngineOptions { PersistCompletedInstances = false, DetailFalseMatches = false }, expressions);
            foreach (var stored in batch.Where(b => !parked.Contains(b.Sequence)))
            {
                var e = EventMapping.ToWorkflowEvent(stored);
                if (e.Time > partition.LatestEventTime) partition.LatestEventTime = e.Time;
                foreach (var rule in index.Triggers.Proceeding(e)) await engine.StartIfProceedsAsync(rule, e, ct);
                replayed++;
            }
            db.ChangeTracker.Clear();
            from = batch[^1].Sequence;
        }
        partition.Windows.Committed(snapshotWritten: false);
        EngineLog.WindowsReplayed(logger, partition.OrganizationId, replayed, partition.WindowsSequence, to);
        return replayed;
    }

    /// <summary>Parks an event whose evaluation kept failing and moves the checkpoint past it, in one transaction.</summary>
    public async Task ParkAsync(EvaluationPartition partition, LoggedEvent logged, string reason, int attempts, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        using var turn = await writers.EnterAsync(db, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.ParkedEvents.Add(new ParkedEvent
        {
            Sequence = logged.Sequence,
            OrganizationId = logged.OrganizationId,
            EventId = logged.EventId,
            Source = logged.Source,
            Type = logged.Type,
            Reason = reason.Length > 2000 ? reason[..2000] : reason,
            Attempts = attempts,
            ParkedAt = time.GetUtcNow(),
        });
        await CheckpointStore.WriteAsync(db, partition.OrganizationId, logged.Sequence, null, null, time.GetUtcNow(), ownership.WriteFenceOf(partition.OrganizationId), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Evaluates a parked event again, now, against the partition's current windows; on success its parked row goes in
    /// the same transaction as its effects. Throws when it fails again (the row stays).
    /// </summary>
    public async Task RetryParkedAsync(StoredEvent stored, bool enabled, Identity.RespondPrincipal by, CancellationToken ct)
    {
        var partition = partitions.For(stored.OrganizationId);
        using var _ = await partition.LockAsync(ct);
        await InUnitOfWorkAsync(partition, async (engine, uow) =>
        {
            if (enabled) await EvaluateAsync(engine, uow, partition, EventMapping.ToWorkflowEvent(stored), ct);
            return 0;
        }, null, async (db, c) =>
        {
            await db.ParkedEvents.Where(p => p.Sequence == stored.Sequence).ExecuteDeleteAsync(c);
            new Audit.AuditTrail(db, time).Record(by, "event.retried", "ParkedEvent", stored.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                [stored.OrganizationId], null, new { stored.EventId, stored.Source, Evaluated = true });
        }, ct);
    }

    private async Task EvaluateAsync(WorkflowEngine engine, EngineUnitOfWork uow, EvaluationPartition partition, WorkflowEvent e, CancellationToken ct)
    {
        probe?.BeforeEvaluate(e);
        if (e.Time > partition.LatestEventTime) partition.LatestEventTime = e.Time;
        foreach (var rule in index.Triggers.Proceeding(e))
        {
            var raisedBefore = uow.RaisedAlerts.Count;
            if (await engine.StartIfProceedsAsync(rule, e, ct) is not { } instance) continue;
            if (instance.Status == InstanceStatus.Faulted)
                EngineLog.InstanceFaulted(logger, rule.Snapshot.RuleId, instance.Id, instance.Error ?? "");
            for (var i = raisedBefore; i < uow.RaisedAlerts.Count; i++)
                await uow.AutoResponder.OnAlertRaisedAsync(uow.RaisedAlerts[i], e, rule.Snapshot.Outcome, ct);
        }
    }

    private void EvictIfDue(EvaluationPartition partition)
    {
        var now = time.GetUtcNow();
        if (now - partition.LastEviction < engineOptions.Value.WindowEvictionInterval || partition.LatestEventTime == DateTimeOffset.MinValue) return;
        partition.LastEviction = now;
        partition.Windows.Evict(index.WindowLengths, partition.LatestEventTime);
        partition.OpenAlerts.Prune(partition.LatestEventTime);
    }

    /// <summary>A scheduled rule's cron fired: one instance per organization in its scope that has Respond on, each in its own partition.</summary>
    public async Task<int> RunScheduledAsync(string ruleId, DateTimeOffset firedAt, CancellationToken ct)
    {
        var rule = index.Triggers.Find(ruleId);
        if (rule is null) return 0;
        List<string> organizations;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
            IReadOnlyList<string> inScope = rule.Snapshot.OrganizationIds.Count > 0
                ? rule.Snapshot.OrganizationIds
                : await db.Organizations.Select(o => o.Id).ToListAsync(ct);
            // Respond's switch is per organization: an organization with Respond off gets no instance.
            var settings = await db.ForEachAsync(inScope, ct);
            organizations = inScope.Where(o => settings[o].Enabled).ToList();
        }
        foreach (var organization in organizations)
        {
            var partition = partitions.For(organization);
            using var _ = await partition.LockAsync(ct);
            await InUnitOfWorkAsync(partition, async (engine, _) => await engine.StartScheduledAsync(rule, firedAt, organization, ct), null, null, ct);
        }
        return organizations.Count;
    }

    /// <summary>Resumes a suspended instance on a port (a decision); a stale or unknown bookmark changes nothing.</summary>
    public async Task<WorkflowInstance?> ResumeAsync(string instanceId, string bookmarkId, string port, CancellationToken ct)
    {
        if (await PartitionOfAsync(instanceId, ct) is not { } partition) return null;
        using var _ = await partition.LockAsync(ct);
        return await InUnitOfWorkAsync(partition, (engine, _) => engine.ResumeAsync(instanceId, bookmarkId, port, null, ct).AsTask(), null, null, ct);
    }

    Task Actions.IActionWaiters.ActionEndedAsync(string workflowInstanceId, string actionId, string port, CancellationToken ct) =>
        ResumeAsync(workflowInstanceId, actionId, port, ct);

    Task IApprovalWaiters.RequestDecidedAsync(string workflowInstanceId, string bookmarkId, string port, CancellationToken ct) =>
        ResumeAsync(workflowInstanceId, bookmarkId, port, ct);

    /// <summary>A timer fired: a delay ends, or an approval gate expires (its request is marked expired first).</summary>
    public async Task<WorkflowInstance?> ResumeDueAsync(string instanceId, string bookmarkId, CancellationToken ct)
    {
        if (await PartitionOfAsync(instanceId, ct) is not { } partition) return null;
        using var _ = await partition.LockAsync(ct);
        return await InUnitOfWorkAsync(partition, async (engine, uow) =>
        {
            // The engine resumes only a bookmark that is due; an early or repeated firing changes nothing.
            var resumed = await engine.ResumeDueAsync(instanceId, bookmarkId, ct);
            if (resumed is null) return null;
            var request = await uow.Db.ApprovalRequests.SingleOrDefaultAsync(r => r.WorkflowInstanceId == instanceId && r.BookmarkId == bookmarkId, ct);
            if (request is { Status: ApprovalStatus.Pending })
            {
                request.Decide(ApprovalStatus.Expired, "system", "Expired without a decision.", time.GetUtcNow());
                uow.DecidedRequests.Add(request);
            }
            return resumed;
        }, null, null, ct);
    }


    private async Task<EvaluationPartition?> PartitionOfAsync(string instanceId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var organization = await scope.ServiceProvider.GetRequiredService<RespondDbContext>().WorkflowInstances.AsNoTracking()
            .Where(i => i.Id == instanceId).Select(i => i.OrganizationId).SingleOrDefaultAsync(ct);
        return organization is null ? null : partitions.For(organization);
    }

    /// <summary>
    /// One unit of work of <paramref name="partition"/> (whose lock the caller holds): the engine runs first, outside any
    /// transaction; then one transaction stores every row, the checkpoint (moved to <paramref name="checkpointTo"/> for
    /// events from the log), <paramref name="inTransaction"/>, and, when due, the window snapshot; and commits. A unit that
    /// does not come from the log (a decision, a timer, a schedule, a retry) always writes the snapshot: the log cannot
    /// replay it. A failure anywhere puts the partition's windows back as they were before the unit.
    /// </summary>
    private async Task<T> InUnitOfWorkAsync<T>(EvaluationPartition partition, Func<WorkflowEngine, EngineUnitOfWork, Task<T>> work,
        long? checkpointTo, Func<RespondDbContext, CancellationToken, Task>? inTransaction, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await InUnitOfWorkAsync(scope.ServiceProvider, partition, work, checkpointTo, inTransaction, ct);
    }

    private async Task<T> InUnitOfWorkAsync<T>(IServiceProvider services, EvaluationPartition partition, Func<WorkflowEngine, EngineUnitOfWork, Task<T>> work,
        long? checkpointTo, Func<RespondDbContext, CancellationToken, Task>? inTransaction, CancellationToken ct)
    {
        var uow = services.GetRequiredService<EngineUnitOfWork>();
        uow.OpenAlerts = partition.OpenAlerts;
        var engine = new WorkflowEngine(partition.Windows, uow, uow.ActionDispatcher, uow, uow, scheduler, time,
            new WorkflowEngineOptions { DefaultApprovalTimeout = approvalOptions.Value.DefaultTimeout, PersistCompletedInstances = true, DetailFalseMatches = false }, expressions);
        T result;
        bool snapshot, deferred;
        // In a cluster a unit that is not from the log (a decision, a timer) can run on a node that does not hold the
        // partition: it stores its rows but neither the checkpoint nor windows, which belong to the holder.
        var held = ownership.Holds(partition.OrganizationId);
        try
        {
            result = await work(engine, uow);
            var now = time.GetUtcNow();
            var checkpoint = checkpointTo ?? partition.Checkpoint;
            // A unit not from the log that changed a window writes the snapshot with its rows: the log cannot replay it.
            var changed = partition.Windows.HasChanges;
            // From the log, a due snapshot is written after this unit (WindowSnapshotWriter): the log replays up to it.
            var fromLog = checkpointTo is not null;
            deferred = held && changed && fromLog && snapshots.IsDue(partition);
            var write = held && !fromLog && partition.Windows.UnitChanged;
            // Windows unchanged since the stored snapshot (and none waiting to be written): it reflects this checkpoint too.
            snapshot = held && (write || !changed && !partition.SnapshotPending);
            // A snapshot captured before this one and not written yet is dropped, never written over it.
            if (write) partition.NextSnapshotGeneration();
            var windows = write ? partition.Windows.Snapshot() : null;
            var snapshotId = write ? WindowSnapshot.NewId() : (long?)null;
            // After any snapshot of this partition being written, so this newer one lands last.
            using var snapshotTurn = write ? await partition.SnapshotWriteAsync(ct) : default;
            using var turn = await writers.EnterAsync(uow.Db, ct);
            await using var tx = await uow.Db.Database.BeginTransactionAsync(ct);
            if (windows is not null) await WindowSnapshot.WriteAsync(uow.Db, partition.OrganizationId, snapshotId!.Value, windows, ct);
            if (checkpointTo is not null || snapshot)
                await CheckpointStore.WriteAsync(uow.Db, partition.OrganizationId, checkpoint, snapshot ? checkpoint : null, snapshotId, now,
                    ownership.WriteFenceOf(partition.OrganizationId), ct);
            if (inTransaction is not null) await inTransaction(uow.Db, ct);
            await uow.Db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            if (snapshot) partition.WindowsSequence = checkpoint;
            if (write) partition.LastSnapshot = now;
        }
        catch
        {
            partition.Windows.RollBack();
            partition.OpenAlerts.ForgetCommitted();
            throw;
        }
        partition.Windows.Committed(snapshot);
        uow.Committed();
        if (deferred) snapshots.Request(partition);
        // After the commit only. Rule instances wait on their actions; none can have ended yet, and resuming here
        // would wait on this very partition. Queued actions whose jobs a crash lost here get them back at start-up.
        await uow.ActionLifecycle.FlushAsync(ct, resumeRules: false);
        foreach (var alert in uow.RaisedAlerts) events.Publish(alert);
        foreach (var request in uow.OpenedRequests) events.Publish(new ApprovalRequested(request));
        foreach (var request in uow.DecidedRequests) events.Publish(new ApprovalDecided(request));
        return result;
    }
}

/// <summary>A test seam: called before each event is evaluated. Throwing fails that evaluation, as a bug or a broken dependency would.</summary>
public interface IEvaluationProbe
{
    void BeforeEvaluate(WorkflowEvent e);
}

/// <summary>The partition checkpoint row, upserted inside the unit's transaction without EF's change tracker.</summary>
internal static class CheckpointStore
{
    /// <summary>
    /// Moves the checkpoint to <paramref name="sequence"/>; with <paramref name="windowsSequence"/>, records the window
    /// snapshot's position too, and with <paramref name="windowsSnapshotId"/> the snapshot the unit stored. With a
    /// <paramref name="fence"/> (a cluster) it first proves this node still holds the partition's lease, or throws
    /// <see cref="PartitionLeaseLostException"/> and the unit rolls back.
    /// </summary>
    public static async Task WriteAsync(RespondDbContext db, string organizationId, long sequence, long? windowsSequence, long? windowsSnapshotId, DateTimeOffset at,
        PartitionFence? fence, CancellationToken ct)
    {
        if (fence is not null) await PartitionLeaseStore.PassFenceAsync(db, organizationId, fence, ct);
        var windows = windowsSequence is not null;
        var stored = windowsSnapshotId is not null;
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("The checkpoint moves only with the unit's effects.");
        command.CommandText = !db.Database.RunsOnSqlServer()
            ? $"""
              INSERT INTO "EvaluationCheckpoints" ("OrganizationId", "Sequence", "WindowsSequence", "WindowsSnapshotId", "UpdatedAt") VALUES (@o, @s, @w, @i, @u)
              ON CONFLICT ("OrganizationId") DO UPDATE SET "Sequence" = excluded."Sequence", "UpdatedAt" = excluded."UpdatedAt"{(windows ? ", \"WindowsSequence\" = excluded.\"WindowsSequence\"" : "")}{(stored ? ", \"WindowsSnapshotId\" = excluded.\"WindowsSnapshotId\"" : "")}
              """
            : $"""
              MERGE [EvaluationCheckpoints] WITH (HOLDLOCK) AS t USING (SELECT @o AS OrganizationId) AS s ON t.OrganizationId = s.OrganizationId
              WHEN MATCHED THEN UPDATE SET Sequence = @s, UpdatedAt = @u{(windows ? ", WindowsSequence = @w" : "")}{(stored ? ", WindowsSnapshotId = @i" : "")}
              WHEN NOT MATCHED THEN INSERT (OrganizationId, Sequence, WindowsSequence, WindowsSnapshotId, UpdatedAt) VALUES (@o, @s, @w, @i, @u);
              """;
        Add(command, "@o", organizationId);
        Add(command, "@s", sequence);
        Add(command, "@w", windowsSequence ?? 0L);
        Add(command, "@i", windowsSnapshotId ?? 0L);
        Add(command, "@u", at.UtcTicks);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Makes stored snapshot <paramref name="snapshotId"/> (all its parts stored) the partition's, reflecting the log up to
    /// <paramref name="windowsSequence"/> (<see cref="WindowSnapshotWriter"/>).
    /// </summary>
    public static async Task WriteWindowsSnapshotAsync(RespondDbContext db, string organizationId, long windowsSequence, long snapshotId, PartitionFence? fence,
        CancellationToken ct)
    {
        if (fence is not null) await PartitionLeaseStore.PassFenceAsync(db, organizationId, fence, ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("The snapshot counts only once all its parts are stored.");
        command.CommandText = !db.Database.RunsOnSqlServer()
            ? "UPDATE \"EvaluationCheckpoints\" SET \"WindowsSequence\" = @w, \"WindowsSnapshotId\" = @i WHERE \"OrganizationId\" = @o"
            : "UPDATE [EvaluationCheckpoints] SET WindowsSequence = @w, WindowsSnapshotId = @i WHERE OrganizationId = @o";
        Add(command, "@o", organizationId);
        Add(command, "@w", windowsSequence);
        Add(command, "@i", snapshotId);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}

public sealed class EngineOptions
{
    public const string Section = "Respond:Engine";

    /// <summary>`Respond:Engine:MaxEvaluationLag`: events stored and not yet evaluated beyond which ingestion answers 503 with Retry-After.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, long.MaxValue)] public long MaxEvaluationLag { get; set; } = 100_000;

    /// <summary>Events of one partition evaluated and committed together (one transaction with the checkpoint).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100_000)] public int EvaluationChunkSize { get; set; } = 1_000;

    /// <summary>
    /// `Respond:Engine:LogTailBytes`: bytes of event JSON kept in memory for evaluation, over all partitions, so that
    /// events evaluated soon after they are appended are not read back from the log (SQLite only, where this process is
    /// the log's one writer). Past it, evaluation reads from the log as it would after a restart. Zero turns it off.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0, long.MaxValue)] public long LogTailBytes { get; set; } = 32L << 20;

    /// <summary>Partitions (organizations) evaluated at the same time.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 256)] public int MaxParallelPartitions { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Attempts at evaluating one event before it is parked.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100)] public int MaxEvaluationAttempts { get; set; } = 3;

    /// <summary>
    /// How often a partition whose windows changed writes them (a snapshot of all its windows, with the log position it
    /// reflects). Between snapshots windows live in memory; after a crash the log since the snapshot is replayed to
    /// rebuild them, so a longer interval writes less and replays more at start-up. Zero writes them with every unit.
    /// A snapshot is the partition's whole windows (about 3.5 MB per organization on the benchmark): every 10 s, ten
    /// organizations' snapshots were five times the bytes of their events at 1,000 events/s (docs/performance.md).
    /// </summary>
    public TimeSpan WindowSnapshotInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A snapshot is also due once the checkpoint moved this many sequences since the last one: it bounds the replay, whatever the interval.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, long.MaxValue)] public long WindowSnapshotEvents { get; set; } = 100_000;

    /// <summary>How often a partition drops windows that can no longer count (and their rows, with its next snapshot).</summary>
    public TimeSpan WindowEvictionInterval { get; set; } = TimeSpan.FromMinutes(1);
}

internal static partial class EngineLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Rule {RuleId} instance {WorkflowInstanceId} faulted: {Error}")]
    public static partial void InstanceFaulted(ILogger logger, string ruleId, string workflowInstanceId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Engine ready: {Rules} active rules, {Partitions} partitions, {Pending} events to evaluate, {Timers} timers rescheduled")]
    public static partial void Ready(ILogger logger, int rules, int partitions, long pending, int timers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evaluating {Count} events of organization {OrganizationId} from sequence {FirstSequence} failed; evaluating them one by one")]
    public static partial void ChunkFailed(ILogger logger, int count, string organizationId, long firstSequence, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evaluating event {Sequence} ({EventId}) of organization {OrganizationId} failed (attempt {Attempt})")]
    public static partial void EventFailed(ILogger logger, long sequence, string eventId, string organizationId, int attempt, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {Sequence} ({EventId}) of organization {OrganizationId} parked after {Attempts} failed evaluations: {Reason}")]
    public static partial void EventParked(ILogger logger, long sequence, string eventId, string organizationId, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Evaluation of organization {OrganizationId} stopped on an error; it resumes from its checkpoint")]
    public static partial void PartitionFailed(ILogger logger, string organizationId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evaluation of organization {OrganizationId} stopped: {Reason}")]
    public static partial void LeaseLost(ILogger logger, string organizationId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Windows of organization {OrganizationId} rebuilt from the log: {Events} events replayed ({FromSequence} to {ToSequence})")]
    public static partial void WindowsReplayed(ILogger logger, string organizationId, int events, long fromSequence, long toSequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The window snapshot of organization {OrganizationId} was not written; a restart replays the log from the previous one")]
    public static partial void SnapshotFailed(ILogger logger, string organizationId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evaluation is behind by {Events} events ({Seconds:F1} s); limit {Limit}")]
    public static partial void Behind(ILogger logger, long events, double seconds, long limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Parked event {Sequence} of organization {OrganizationId} evaluated on retry by {ActorId}")]
    public static partial void ParkedEventEvaluated(ILogger logger, long sequence, string organizationId, string actorId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingestion refused a batch: evaluation is behind by {Events} events (limit {Limit}); retry after {RetryAfter} s")]
    public static partial void IngestionRefused(ILogger logger, long events, long limit, int retryAfter);
}
