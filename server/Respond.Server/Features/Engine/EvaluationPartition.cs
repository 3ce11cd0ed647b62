using Microsoft.EntityFrameworkCore;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Engine;

/// <summary>
/// One organization's share of evaluation: its position in the event log, its windows, and the lock that makes it a
/// single writer. Everything that changes the organization's rule state (events from the log, decisions, timers,
/// scheduled rules) runs under <see cref="LockAsync"/>, so windows and suppression see the organization's events in
/// log order while other organizations' partitions run in parallel. See docs/how-rules-run.md.
/// </summary>
public sealed class EvaluationPartition(string organizationId)
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private long _checkpoint;
    private long _head;
    private long _pending;

    public string OrganizationId { get; } = organizationId;

    public WindowCache Windows { get; } = new();

    /// <summary>Which alert absorbs the matches of a suppressing rule and group key in this organization.</summary>
    public OpenAlertIndex OpenAlerts { get; } = new();

    /// <summary>The sequence of the last event evaluated (or parked); stored with the effects of that event.</summary>
    public long Checkpoint => Interlocked.Read(ref _checkpoint);

    /// <summary>The highest sequence appended to the log for this organization that this process knows of.</summary>
    public long Head => Interlocked.Read(ref _head);

    /// <summary>Events appended and not yet evaluated.</summary>
    public long Pending => Math.Max(0, Interlocked.Read(ref _pending));

    public bool HasWork => Checkpoint < Head;

    /// <summary>When windows were last evicted: eviction runs inside a unit of work, at most once per interval.</summary>
    public DateTimeOffset LastEviction { get; set; }

    /// <summary>The newest event time evaluated in this partition: windows slide on event time, eviction measures against it.</summary>
    public DateTimeOffset LatestEventTime { get; set; } = DateTimeOffset.MinValue;

    public async ValueTask<Releaser> LockAsync(CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        return new Releaser(_writer);
    }

    internal void Appended(int count, long maxSequence)
    {
        Interlocked.Add(ref _pending, count);
        InterlockedMax(ref _head, maxSequence);
    }

    internal void Evaluated(int count, long checkpoint)
    {
        Interlocked.Add(ref _pending, -count);
        InterlockedMax(ref _checkpoint, checkpoint);
        InterlockedMax(ref _head, checkpoint);
    }

    internal void Start(long checkpoint, long head, long pending)
    {
        Interlocked.Exchange(ref _checkpoint, checkpoint);
        Interlocked.Exchange(ref _head, Math.Max(head, checkpoint));
        Interlocked.Exchange(ref _pending, pending);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }

    public readonly struct Releaser(SemaphoreSlim writer) : IDisposable
    {
        public void Dispose() => writer.Release();
    }
}
