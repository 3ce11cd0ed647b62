namespace Respond.Server.Features.Events;

/// <summary>
/// SQLite's group commit: appends that wait for the write turn queue here, and the append that gets the turn writes
/// every one queued in its transaction, in queue order. A transaction's cost is mostly the index pages it dirties, and
/// the key index's random inserts share pages more the more events one commit holds: two requests of 1,000 in one
/// commit write fewer pages than two commits (docs/performance.md, thirteenth session). Each waiter is answered as
/// soon as the transaction that holds its events commits, with its own sequences, or that transaction's failure.
/// </summary>
public sealed class SqliteAppendQueue
{
    private readonly List<Append> _waiting = [];

    /// <summary>Queues <paramref name="events"/>; whoever gets the write turn next appends them.</summary>
    public Append Enqueue(IReadOnlyList<ParsedEvent> events)
    {
        var append = new Append(events);
        lock (_waiting) _waiting.Add(append);
        return append;
    }

    /// <summary>Appends waiting for the write turn.</summary>
    public int Waiting
    {
        get
        {
            lock (_waiting) return _waiting.Count;
        }
    }

    /// <summary>Everything queued, in queue order; the caller holds the write turn and must complete each one.</summary>
    public List<Append> TakeAll()
    {
        lock (_waiting)
        {
            var all = new List<Append>(_waiting);
            _waiting.Clear();
            return all;
        }
    }

    /// <summary>Takes <paramref name="append"/> back (its sender gave up); false when a turn already took it, which then completes it.</summary>
    public bool Withdraw(Append append)
    {
        lock (_waiting) return _waiting.Remove(append);
    }

    public sealed class Append(IReadOnlyList<ParsedEvent> events)
    {
        private readonly TaskCompletionSource<List<(ParsedEvent Event, long Sequence)>> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<ParsedEvent> Events { get; } = events;

        /// <summary>The events that were new, with their sequences; faults with the transaction's failure.</summary>
        public Task<List<(ParsedEvent Event, long Sequence)>> Done => _done.Task;

        internal void Stored(List<(ParsedEvent Event, long Sequence)> inserted) => _done.TrySetResult(inserted);

        internal void Failed(Exception failure) => _done.TrySetException(failure);
    }
}
