using Respond.Server.Features.Events;

namespace Respond.Server.Features.Engine;

/// <summary>
/// The events this process appended to one partition's log and has not evaluated yet, kept as ingestion parsed them: the
/// evaluator takes a chunk's events from here instead of reading their rows back and parsing their JSON again (a fifth of
/// what the pipeline allocated; docs/performance.md, twelfth session). The log stays the truth: the evaluator reads
/// which sequences its chunk holds from the log and takes them from here only when every one of them is here; events
/// another node appended, events of before a restart, or events past <see cref="EngineOptions.RecentEventsKept"/> are
/// read from the log. A sequence is never reused, so an event kept under one is the row stored under it.
/// </summary>
public sealed class RecentEvents(RecentEvents.Budget budget)
{
    private readonly Dictionary<long, ParsedEvent> _events = [];
    private readonly Queue<long> _order = new();

    /// <summary>Appended and committed: kept while the budget shared by all partitions allows.</summary>
    public void Add(IReadOnlyList<(ParsedEvent Event, long Sequence)> appended)
    {
        lock (_events)
            foreach (var (e, sequence) in appended)
            {
                if (_events.ContainsKey(sequence)) continue;
                if (!budget.TryTake()) return;
                _events.Add(sequence, e);
                _order.Enqueue(sequence);
            }
    }

    public ParsedEvent? Find(long sequence)
    {
        lock (_events) return _events.GetValueOrDefault(sequence);
    }

    /// <summary>Evaluation committed up to <paramref name="checkpoint"/>: those events are no longer needed.</summary>
    public void ForgetThrough(long checkpoint)
    {
        lock (_events)
            while (_order.TryPeek(out var sequence) && sequence <= checkpoint)
            {
                _order.Dequeue();
                if (_events.Remove(sequence)) budget.Give(1);
            }
    }

    /// <summary>The partition is replaced (start-up, a lease taken): its events go back to the budget.</summary>
    public void Clear()
    {
        lock (_events)
        {
            budget.Give(_events.Count);
            _events.Clear();
            _order.Clear();
        }
    }

    public int Count
    {
        get { lock (_events) return _events.Count; }
    }

    /// <summary>How many events all partitions of this process keep at most.</summary>
    public sealed class Budget(int events)
    {
        private int _left = events;

        internal bool TryTake()
        {
            while (true)
            {
                var left = Volatile.Read(ref _left);
                if (left <= 0) return false;
                if (Interlocked.CompareExchange(ref _left, left - 1, left) == left) return true;
            }
        }

        internal void Give(int count) => Interlocked.Add(ref _left, count);
    }
}
