using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Features.Alerts;
using Respond.Server.Persistence;
using Respond.Server.Telemetry;

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
    private readonly PartitionOwnership _ownership;
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly long _maxTailBytes;

    public EvaluationPartitions(TimeProvider time, RespondMetrics metrics, PartitionOwnership ownership, IOptions<EngineOptions> options)
    {
        _time = time;
        _ownership = ownership;
        _maxTailBytes = options.Value.LogTailBytes;
        metrics.ObserveEvaluationLag(() => Pending, () => LagSeconds);
    }

    public EvaluationPartition For(string organizationId) => _partitions.GetOrAdd(organizationId, id => new EvaluationPartition(id));

    public IReadOnlyCollection<EvaluationPartition> All => [.. _partitions.Values];

    /// <summary>The partitions this node evaluates: every one on a single node, the leased ones in a cluster.</summary>
    public IEnumerable<EvaluationPartition> Held => _partitions.Values.Where(p => _ownership.Holds(p.OrganizationId));

    /// <summary>The partitions this node evaluates or is about to take: all but those another living node leases.</summary>
    private IEnumerable<EvaluationPartition> Ours => _partitions.Values.Where(p => !_ownership.LeasedElsewhere(p.OrganizationId));

    /// <summary>Events appended to the log and not evaluated yet, over this node's partitions: what backpressure measures.</summary>
    public long Pending => Ours.Sum(p => p.Pending);

    /// <summary>Seconds since the oldest event not yet evaluated was appended, over this node's partitions; 0 when caught up.</summary>
    public double LagSeconds
    {
        get
        {
            var now = _time.GetUtcNow();
            return Ours.Select(p => p.OldestPendingAppendedAt).OfType<DateTimeOffset>().Select(at => Math.Max(0, (now - at).TotalSeconds))
                .DefaultIfEmpty(0).Max();
        }
    }

    /// <summary>Ingestion committed <paramref name="count"/> events of an organization, the last at <paramref name="maxSequence"/>.</summary>
    public void Appended(string organizationId, int count, long maxSequence)
    {
        For(organizationId).Appended(count, maxSequence, _time.GetUtcNow(), Activity.Current?.Context ?? default);
        _ownership.Want(organizationId);
        Wake();
    }

    /// <summary>
    /// SQLite's append, holding the log's write turn, right after its commit: the events it stored, in sequence order,
    /// for each partition's tail in memory (see <see cref="EvaluationPartition"/>), so that the evaluator need not read
    /// them back. When the tails together would pass <see cref="EngineOptions.LogTailBytes"/>, the partitions of the
    /// events that do not fit drop their tails (the evaluator reads those events from the log) and start new ones at a
    /// later append.
    /// </summary>
    public void Handed(IReadOnlyList<(Events.ParsedEvent Event, long Sequence)> stored)
    {
        var room = _maxTailBytes - _partitions.Values.Sum(p => p.TailBytes);
        foreach (var (e, sequence) in stored)
        {
            var partition = For(e.OrganizationId);
            room -= e.Utf8Json.Length;
            if (room >= 0) partition.Hand(sequence, e);
            else partition.DropTail();
        }
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
    /// reached the head it had when called (all but the partitions another node leases), and a window snapshot that came
    /// due on the way is stored. Tests and the load driver use
    /// it; it never completes while evaluation is paused.
    /// </summary>
    public async Task CaughtUpAsync(CancellationToken ct)
    {
        // By organization: a partition taken over by this node is a new object (ReloadAsync).
        var heads = Ours.Select(p => (p.OrganizationId, p.Head)).ToList();
        while (true)
        {
            var progress = Volatile.Read(ref _progress).Task;
            if (heads.All(h => _ownership.LeasedElsewhere(h.OrganizationId) || For(h.OrganizationId) is { } p && p.Checkpoint >= h.Head && !p.SnapshotPending)) return;
            await progress.WaitAsync(ct);
        }
    }

    /// <summary>
    /// Start-up on a single node: every organization's partition (a cluster loads each partition as its lease is taken,
    /// <see cref="ReloadAsync"/>).
    /// </summary>
    public async Task LoadAsync(RespondDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var organizations = await db.Organizations.AsNoTracking().Select(o => o.Id).ToListAsync(ct);
        foreach (var loaded in await ReadAsync(db, organizations, now, ct)) _partitions[loaded.OrganizationId] = loaded;
        Wake();
    }

    /// <summary>A partition as the database has it now, replacing what this process knew of it (a lease was taken).</summary>
    public async Task<EvaluationPartition> ReloadAsync(RespondDbContext db, string organizationId, DateTimeOffset now, CancellationToken ct)
    {
        var loaded = (await ReadAsync(db, [organizationId], now, ct)).Single();
        _partitions[organizationId] = loaded;
        return loaded;
    }

    /// <summary>
    /// Each organization's checkpoint, head and backlog, its windows as of their last snapshot (the evaluator replays the
    /// rest) and its open suppressed alerts.
    /// </summary>
    private static async Task<List<EvaluationPartition>> ReadAsync(RespondDbContext db, IReadOnlyCollection<string> organizations, DateTimeOffset now, CancellationToken ct)
    {
        var checkpoints = await db.EvaluationCheckpoints.AsNoTracking().Where(c => organizations.Contains(c.OrganizationId)).ToDictionaryAsync(c => c.OrganizationId, ct);
        var loaded = new Dictionary<string, EvaluationPartition>(StringComparer.Ordinal);
        // Suppression is judged by event time: open alerts are loaded back to a day before the event time evaluation
        // reached (the window the running index keeps, see OpenAlertIndex.Prune), not before the wall clock, so a stream
        // of events older than a day suppresses the same after a restart or a takeover as without one.
        var since = now;
        foreach (var organization in organizations)
        {
            var stored = checkpoints.GetValueOrDefault(organization);
            var checkpoint = stored?.Sequence ?? 0;
            if (await db.Events.Where(e => e.Sequence == checkpoint && e.OrganizationId == organization).Select(e => (DateTimeOffset?)e.Time).SingleOrDefaultAsync(ct) is { } reached && reached < since)
                since = reached;
            var head = await db.Events.Where(e => e.OrganizationId == organization).MaxAsync(e => (long?)e.Sequence, ct) ?? 0;
            var pending = head > checkpoint ? await db.Events.CountAsync(e => e.OrganizationId == organization && e.Sequence > checkpoint, ct) : 0;
            var partition = loaded[organization] = new EvaluationPartition(organization);
            partition.Start(checkpoint, head, pending, now, stored?.WindowsSequence ?? 0);
        }
        foreach (var organization in organizations) loaded[organization].Windows.Load(await WindowSnapshot.ReadAsync(db, organization, ct));
        since -= TimeSpan.FromDays(1);
        var open = await db.Alerts.AsNoTracking()
            .Where(a => organizations.Contains(a.OrganizationId) && a.SuppressUntil != null && a.SuppressUntil >= since && a.Status != AlertStatus.Closed)
            .Select(a => new { a.RuleId, a.OrganizationId, a.GroupKey, a.Id, a.SuppressUntil, a.CreatedAt }).ToListAsync(ct);
        foreach (var a in open.OrderBy(a => a.CreatedAt))
            loaded[a.OrganizationId].OpenAlerts.Remember(a.RuleId, a.OrganizationId, a.GroupKey, a.Id, a.SuppressUntil!.Value);
        return [.. loaded.Values];
    }
}
