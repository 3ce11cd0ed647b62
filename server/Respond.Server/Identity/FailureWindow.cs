using System.Collections.Concurrent;

namespace Respond.Server.Identity;

/// <summary>
/// Failures per key (a source address, a client id) within a sliding window, in memory: one Respond process is
/// assumed and a restart forgets them. Each key keeps at most <c>limit</c> timestamps, and keys without a failure in
/// the window are pruned (at most once per window) so a spray of keys cannot grow it without bound.
/// </summary>
internal sealed class FailureWindow(TimeProvider time, int limit, TimeSpan window)
{
    private const int PruneAbove = 10_000;
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.OrdinalIgnoreCase);
    private long _nextPruneTicks;

    public int Limit { get; } = limit;

    /// <summary>How long until <paramref name="key"/> has fewer than <see cref="Limit"/> failures in the window; null when it has fewer now.</summary>
    public TimeSpan? ThrottledFor(string key)
    {
        if (!_failures.TryGetValue(key, out var queue)) return null;
        var now = time.GetUtcNow();
        lock (queue)
        {
            Trim(queue, now);
            return queue.Count >= Limit ? queue.Peek() + window - now : null;
        }
    }

    /// <summary>Whether <paramref name="key"/> failed at all within the window.</summary>
    public bool HasFailed(string key)
    {
        if (!_failures.TryGetValue(key, out var queue)) return false;
        lock (queue)
        {
            Trim(queue, time.GetUtcNow());
            return queue.Count > 0;
        }
    }

    /// <summary>Counts a failure; true when this one brought the key to the limit (it is throttled from now on).</summary>
    public bool Failed(string key)
    {
        var now = time.GetUtcNow();
        if (_failures.Count > PruneAbove) Prune(now);
        var queue = _failures.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            Trim(queue, now);
            var wasBelowLimit = queue.Count < Limit;
            if (!wasBelowLimit) queue.Dequeue();
            queue.Enqueue(now);
            return wasBelowLimit && queue.Count == Limit;
        }
    }

    public bool Forget(string key) => _failures.TryRemove(key, out _);

    private void Trim(Queue<DateTimeOffset> queue, DateTimeOffset now)
    {
        while (queue.Count > 0 && queue.Peek() + window <= now) queue.Dequeue();
    }

    private void Prune(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref _nextPruneTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextPruneTicks, (now + window).UtcTicks, due) != due) return;
        foreach (var (key, queue) in _failures)
        {
            lock (queue)
            {
                Trim(queue, now);
                if (queue.Count == 0) _failures.TryRemove(key, out _);
            }
        }
    }
}
