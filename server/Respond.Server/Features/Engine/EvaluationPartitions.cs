using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Alerts;
using Respond.Server.Persistence;
using Respond.Server.Telemetry;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Features.Engine;

/// <summary>
/// The evaluation partitions of this process, one per organization, and what ingestion and the evaluator tell each
/// other: ingestion reports what it appended (and wakes the evaluator), the evaluator reports what it committed (and
/// wakes whoever waits for it to catch up). The database stays the truth: <see cref="LoadAsync"/> rebuilds all of it.
/// </summary>
public sealed class EvaluationPartitions
{
    private readonly ConcurrentDictionary<string, EvaluationPartition> _partitions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _work = new(0, 1);
    private readonly TimeProvider _time;
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public EvaluationPartitions(TimeProvider time, RespondMetrics metrics)
    {
        _time = time;
        metrics.ObserveEvaluationLag(() => Pending, () => LagSeconds);
    }

    public EvaluationPartition For(string organizationId) => _partitions.GetOrAdd(organizationId, id => new EvaluationPartition(id));

    public IReadOnlyCollection<EvaluationPartition> All => [.. _partitions.Values];

    /// <summary>Events appended to the log and not evaluated yet, over every partition: what backpressure measures.</summary>
    public long Pending => _partitions.Values.Sum(p => p.Pending);

    /// <summary>Seconds since the oldest event not yet evaluated was appended, over every partition; 0 when caught up.</summary>
    public double LagSeconds
    {
        get
        {
            var now = _time.GetUtcNow();
            return _partitions.Values.Select(p => p.OldestPendingAppendedAt).OfType<DateTimeOffset>().Select(at => Math.Max(0, (now - at).TotalSeconds))
                .DefaultIfEmpty(0).Max();
        }
    }

    /// <summary>Ingestion committed <paramref name="count"/> events of an organization, the last at <paramref name="maxSequence"/>.</summary>
    public void Appended(string organizationId, int count, long maxSequence)
    {
        For(organizationId).Appended(count, maxSequence, _time.GetUtcNow(), Activity.Current?.Context ?? default);
        Wake();
    }

    /// <summary>Asks the evaluator to look for work (at most one wake-up is queued).</summary>
    public void Wake()
    {
        try { if (_work.CurrentCount == 0) _work.Release(); }
        catch (SemaphoreFullException) { }
    }

    internal Task WaitForWorkAsync(CancellationToken ct) => _work.WaitAsync(ct);

    internal void Progressed() => Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>
    /// Completes once every event appended before the call has been evaluated (or parked): each partition's checkpoint has
    /// reached the head it had when called. Tests and the load driver use it; it never completes while evaluation is paused.
    /// </summary>
    public async Task CaughtUpAsync(CancellationToken ct)
    {
        var heads = _partitions.Values.Select(p => (Partition: p, p.Head)).ToList();
        while (true)
        {
            var progress = Volatile.Read(ref _progress).Task;
            if (heads.All(h => h.Partition.Checkpoint >= h.Head)) return;
            await progress.WaitAsync(ct);
        }
    }

    /// <summary>
    /// Start-up: each organization's checkpoint, head and backlog, its windows as of their last snapshot (the evaluator
    /// replays the rest) and its open suppressed alerts.
    /// </summary>
    public async Task LoadAsync(RespondDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var organizations = await db.Organizations.AsNoTracking().Select(o => o.Id).ToListAsync(ct);
        var checkpoints = await db.EvaluationCheckpoints.AsNoTracking().ToDictionaryAsync(c => c.OrganizationId, ct);
        foreach (var organization in organizations)
        {
            var stored = checkpoints.GetValueOrDefault(organization);
            var checkpoint = stored?.Sequence ?? 0;
            var head = await db.Events.Where(e => e.OrganizationId == organization).MaxAsync(e => (long?)e.Sequence, ct) ?? 0;
            var pending = head > checkpoint ? await db.Events.CountAsync(e => e.OrganizationId == organization && e.Sequence > checkpoint, ct) : 0;
            For(organization).Start(checkpoint, head, pending, now, stored?.WindowsSequence ?? 0);
        }
        // Window keys carry the organization as the first part of their group key (BlockContext.WindowFor).
        var byLength = organizations.OrderByDescending(o => o.Length).ToList();
        await foreach (var row in db.WindowStates.AsNoTracking().AsAsyncEnumerable().WithCancellation(ct))
        {
            var organization = byLength.FirstOrDefault(o => row.GroupKey.StartsWith(o + "|", StringComparison.Ordinal));
            if (organization is null) continue;
            For(organization).Windows.Load(new WindowKey(row.RuleId, row.NodeId, row.GroupKey),
                JsonSerializer.Deserialize<List<WindowEntry>>(row.EntriesJson, RespondDbContext.JsonOptions) ?? []);
        }
        var since = now - TimeSpan.FromDays(1);
        var open = await db.Alerts.AsNoTracking()
            .Where(a => a.SuppressUntil != null && a.SuppressUntil >= since && a.Status != AlertStatus.Closed)
            .Select(a => new { a.RuleId, a.OrganizationId, a.GroupKey, a.Id, a.SuppressUntil, a.CreatedAt }).ToListAsync(ct);
        foreach (var a in open.OrderBy(a => a.CreatedAt))
            For(a.OrganizationId).OpenAlerts.Remember(a.RuleId, a.OrganizationId, a.GroupKey, a.Id, a.SuppressUntil!.Value);
        Wake();
    }
}
