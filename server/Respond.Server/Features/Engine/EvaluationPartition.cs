using System.Diagnostics;
using Respond.Server.Features.Events;

namespace Respond.Server.Features.Engine;

/// <summary>
/// One organization's share of evaluation: its position in the event log, its windows, and the lock that makes it a
/// single writer. Everything that changes the organization's rule state (events from the log, decisions, timers,
/// scheduled rules) runs under <see cref="LockAsync"/>, so windows and suppression see the organization's events in
/// log order while other organizations' partitions run in parallel. See docs/how-rules-run.md.
/// </summary>
public sealed class EvaluationPartition(string organizationId)
{
    /// <summary>At most this many appends are remembered; past it the newest one absorbs the next (its time, the oldest, stays true).</summary>
    private const int MaxAppendsRemembered = 256;

    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly SemaphoreSlim _snapshotWriter = new(1, 1);
    private int _snapshotPending;
    private long _snapshotGeneration;
    private readonly Queue<Append> _appends = new();
    private long _checkpoint;
    private long _head;
    private long _pending;
    private readonly Queue<(long Sequence, ParsedEvent Event)> _tail = new();
    private long _tailStart;
    private bool _tailJoined;
    private long _tailBytes;

    public string OrganizationId { get; } = organizationId;

    public WindowCache Windows { get; } = new();

    /// <summary>Which alert absorbs the matches of a suppressing rule and group key in this organization.</summary>
    public OpenAlertIndex OpenAlerts { get; } = new();

    /// <summary>The sequence of the last event evaluated (or parked); stored with the effects of that event.</summary>
    public long Checkpoint => Interlocked.Read(ref _checkpoint);

    /// <summary>The highest sequence appended to the log for this organization that this process knows of.</summary>
    public long Head => Interlocked.Read(ref _head);

    /// <summary>The log position the stored window snapshot reflects (at most <see cref="Checkpoint"/>).</summary>
    public long WindowsSequence { get; set; }

    /// <summary>When the windows were last written as a snapshot.</summary>
    public DateTimeOffset LastSnapshot { get; set; } = DateTimeOffset.MinValue;

    /// <summary>Events appended and not yet evaluated.</summary>
    public long Pending => Math.Max(0, Interlocked.Read(ref _pending));

    public bool HasWork => Checkpoint < Head;

    /// <summary>When windows were last evicted: eviction runs inside a unit of work, at most once per interval.</summary>
    public DateTimeOffset LastEviction { get; set; }

    /// <summary>The newest event time evaluated in this partition: windows slide on event time, eviction measures against it.</summary>
    public DateTimeOffset LatestEventTime { get; set; } = DateTimeOffset.MinValue;

    /// <summary>A window snapshot is being captured or written (<see cref="WindowSnapshotWriter"/>); the stored one is older than the windows.</summary>
    public bool SnapshotPending => Volatile.Read(ref _snapshotPending) != 0;

    /// <summary>Counts captured snapshots, so an older capture is never written over a newer one.</summary>
    public long SnapshotGeneration => Interlocked.Read(ref _snapshotGeneration);

    internal long NextSnapshotGeneration() => Interlocked.Increment(ref _snapshotGeneration);

    internal bool TryStartSnapshot() => Interlocked.CompareExchange(ref _snapshotPending, 1, 0) == 0;

    internal void SnapshotEnded() => Volatile.Write(ref _snapshotPending, 0);

    /// <summary>The turn to write this partition's snapshot rows: snapshots are written one at a time, in capture order.</summary>
    internal async ValueTask<Releaser> SnapshotWriteAsync(CancellationToken ct)
    {
        await _snapshotWriter.WaitAsync(ct);
        return new Releaser(_snapshotWriter);
    }

    public async ValueTask<Releaser> LockAsync(CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        return new Releaser(_writer);
    }

    internal void Appended(int count, long maxSequence, DateTimeOffset at, ActivityContext producer)
    {
        lock (_appends)
        {
            if (_appends.Count < MaxAppendsRemembered) _appends.Enqueue(new Append(maxSequence, at, producer));
            else _appends.Last().LastSequence = Math.Max(_appends.Last().LastSequence, maxSequence);
        }
        Interlocked.Add(ref _pending, count);
        InterlockedMax(ref _head, maxSequence);
    }

    internal void Evaluated(int count, long checkpoint)
    {
        Interlocked.Add(ref _pending, -count);
        InterlockedMax(ref _checkpoint, checkpoint);
        InterlockedMax(ref _head, checkpoint);
        lock (_appends)
            while (_appends.TryPeek(out var oldest) && oldest.LastSequence <= checkpoint) _appends.Dequeue();
        lock (_tail)
            while (_tail.TryPeek(out var oldest) && oldest.Sequence <= checkpoint)
                Interlocked.Add(ref _tailBytes, -_tail.Dequeue().Event.Utf8Json.Length);
    }

    // The log's tail in memory. On SQLite this process is the log's one writer, and the append hands the events it
    // committed to their partitions in sequence order, inside its write turn (EvaluationPartitions.Handed): from
    // _tailStart on, the tail holds every event of the organization the log has, and the evaluator takes its chunks
    // from it instead of reading them back and parsing them again. Before _tailStart the log may hold events the tail
    // never saw (appended before the tail began, or while it was dropped): the evaluator reads those from the database,
    // and joins the tail once none is left (_tailJoined). A tail that would pass the partitions' shared budget is
    // dropped, and the next event handed starts a new one; what it held is in the log.

    /// <summary>Bytes of event JSON this partition's tail holds.</summary>
    internal long TailBytes => Interlocked.Read(ref _tailBytes);

    /// <summary>The sequence the tail holds every event from; 0 when there is no tail.</summary>
    internal long TailStart
    {
        get
        {
            lock (_tail) return _tailStart;
        }
    }

    /// <summary>Holding the log's write turn, after the commit: the next event of this organization, in sequence order.</summary>
    internal void Hand(long sequence, ParsedEvent e)
    {
        lock (_tail)
        {
            if (_tailStart == 0) _tailStart = sequence;
            _tail.Enqueue((sequence, e));
            Interlocked.Add(ref _tailBytes, e.Utf8Json.Length);
        }
    }

    /// <summary>Holding the log's write turn: the tail would pass the budget, so it ends here; the log keeps what it held.</summary>
    internal void DropTail()
    {
        lock (_tail)
        {
            _tail.Clear();
            _tail.TrimExcess();
            _tailStart = 0;
            _tailJoined = false;
            Interlocked.Exchange(ref _tailBytes, 0);
        }
    }

    /// <summary>The log holds no event of this organization after the checkpoint and before <paramref name="start"/>: chunks may come from the tail that begins there.</summary>
    internal void JoinTail(long start)
    {
        lock (_tail)
            if (_tailStart == start) _tailJoined = true;
    }

    /// <summary>
    /// Up to <paramref name="max"/> events after <paramref name="checkpoint"/> from the tail, in sequence order; null
    /// when the tail cannot tell what comes next (there is none, or events before its start may not be evaluated yet).
    /// </summary>
    internal List<(long Sequence, ParsedEvent Event)>? TakeFromTail(long checkpoint, int max)
    {
        lock (_tail)
        {
            // Everything up to the checkpoint is evaluated, so a checkpoint just before the start joins the tail too.
            if (_tailStart == 0 || !_tailJoined && checkpoint < _tailStart - 1) return null;
            _tailJoined = true;
            var chunk = new List<(long, ParsedEvent)>(Math.Min(max, _tail.Count));
            foreach (var entry in _tail)
            {
                if (entry.Sequence <= checkpoint) continue;
                if (chunk.Count == max) break;
                chunk.Add(entry);
            }
            return chunk;
        }
    }

    /// <summary>
    /// The log holds nothing past the checkpoint: nothing is pending, whatever was counted. Appends are counted when
    /// ingestion reports them, and a partition loaded from the database (start-up, a lease taken) counted the backlog it
    /// found, which may already hold an append whose report comes after: the count is set right each time it catches up.
    /// </summary>
    internal void CaughtUp()
    {
        if (Head <= Checkpoint) Interlocked.Exchange(ref _pending, 0);
    }

    internal void Start(long checkpoint, long head, long pending, DateTimeOffset at, long windowsSequence)
    {
        WindowsSequence = Math.Min(windowsSequence, checkpoint);
        Interlocked.Exchange(ref _checkpoint, checkpoint);
        Interlocked.Exchange(ref _head, Math.Max(head, checkpoint));
        Interlocked.Exchange(ref _pending, pending);
        lock (_appends)
        {
            _appends.Clear();
            // A backlog found at start-up counts as appended now: its age is measured from this process's start.
            if (head > checkpoint) _appends.Enqueue(new Append(head, at, default));
        }
    }

    /// <summary>When the oldest event not yet evaluated was appended (as far as this process saw it); null when none waits.</summary>
    public DateTimeOffset? OldestPendingAppendedAt
    {
        get
        {
            var checkpoint = Checkpoint;
            lock (_appends) return _appends.FirstOrDefault(a => a.LastSequence > checkpoint)?.At;
        }
    }

    /// <summary>
    /// The spans of the requests that appended the events after <paramref name="checkpoint"/> up to
    /// <paramref name="last"/>, oldest first: evaluation spans continue the first and link the others.
    /// </summary>
    internal IReadOnlyList<ActivityContext> ProducersOf(long checkpoint, long last)
    {
        var producers = new List<ActivityContext>();
        lock (_appends)
            foreach (var append in _appends)
            {
                if (append.LastSequence <= checkpoint) continue;
                if (append.Producer != default) producers.Add(append.Producer);
                if (append.LastSequence >= last) break;
            }
        return producers;
    }

    /// <summary>One append to the log (a request's chunk): the last sequence it wrote, when, and the span that wrote it.</summary>
    private sealed class Append(long lastSequence, DateTimeOffset at, ActivityContext producer)
    {
        public long LastSequence { get; set; } = lastSequence;
        public DateTimeOffset At { get; } = at;
        public ActivityContext Producer { get; } = producer;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }

    public readonly struct Releaser(SemaphoreSlim? writer) : IDisposable
    {
        public void Dispose() => writer?.Release();
    }
}
