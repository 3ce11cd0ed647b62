using System.Collections.Immutable;

namespace Respond.Server.Messaging;

/// <summary>
/// In-process fan-out of domain events to GraphQL subscribers. Publishing never blocks on a slow
/// subscriber: each subscription has its own bounded queue (see the WebSocket transport). In a cluster on PostgreSQL,
/// changes committed by another node arrive through <see cref="PublishFromAnotherNode"/> (Features/Cluster); this node's
/// own changes are published here once, by the code that made them, and never echoed back.
/// </summary>
public sealed class RespondEvents
{
    private ImmutableArray<Subscription> _subscriptions = [];

    public void Publish(object message)
    {
        foreach (var s in _subscriptions) s.Offer(message);
    }

    /// <summary>A change another node committed: for subscribers, not for this node's own counters (<see cref="ObserveThisNode{T}"/>).</summary>
    public void PublishFromAnotherNode(object message)
    {
        foreach (var s in _subscriptions.Where(s => !s.ThisNodeOnly)) s.Offer(message);
    }

    public IObservable<T> Observe<T>(Func<T, bool> filter) where T : class => new Stream<T, T>(this, filter, t => t, thisNodeOnly: false);

    public IObservable<TOut> Observe<T, TOut>(Func<T, bool> filter, Func<T, TOut> map) where T : class => new Stream<T, TOut>(this, filter, map, thisNodeOnly: false);

    /// <summary>Only what this node itself did (its metrics), not what other nodes announce.</summary>
    public IObservable<T> ObserveThisNode<T>(Func<T, bool> filter) where T : class => new Stream<T, T>(this, filter, t => t, thisNodeOnly: true);

    private sealed class Stream<T, TOut>(RespondEvents bus, Func<T, bool> filter, Func<T, TOut> map, bool thisNodeOnly) : IObservable<TOut> where T : class
    {
        public IDisposable Subscribe(IObserver<TOut> observer)
        {
            var subscription = new Subscription(bus, m =>
            {
                if (m is T t && filter(t)) observer.OnNext(map(t));
            }, thisNodeOnly);
            ImmutableInterlocked.Update(ref bus._subscriptions, a => a.Add(subscription));
            return subscription;
        }
    }

    private sealed class Subscription(RespondEvents bus, Action<object> deliver, bool thisNodeOnly) : IDisposable
    {
        public bool ThisNodeOnly { get; } = thisNodeOnly;

        public void Offer(object message) => deliver(message);

        public void Dispose() => ImmutableInterlocked.Update(ref bus._subscriptions, a => a.Remove(this));
    }
}
