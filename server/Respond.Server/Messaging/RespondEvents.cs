using System.Collections.Immutable;

namespace Respond.Server.Messaging;

/// <summary>
/// In-process fan-out of domain events to GraphQL subscribers. Publishing never blocks on a slow
/// subscriber: each subscription has its own bounded queue (see the WebSocket transport).
/// </summary>
public sealed class RespondEvents
{
    private ImmutableArray<Subscription> _subscriptions = [];

    public void Publish(object message)
    {
        foreach (var s in _subscriptions) s.Offer(message);
    }

    public IObservable<T> Observe<T>(Func<T, bool> filter) where T : class => new Stream<T, T>(this, filter, t => t);

    public IObservable<TOut> Observe<T, TOut>(Func<T, bool> filter, Func<T, TOut> map) where T : class => new Stream<T, TOut>(this, filter, map);

    private sealed class Stream<T, TOut>(RespondEvents bus, Func<T, bool> filter, Func<T, TOut> map) : IObservable<TOut> where T : class
    {
        public IDisposable Subscribe(IObserver<TOut> observer)
        {
            var subscription = new Subscription(bus, m =>
            {
                if (m is T t && filter(t)) observer.OnNext(map(t));
            });
            ImmutableInterlocked.Update(ref bus._subscriptions, a => a.Add(subscription));
            return subscription;
        }
    }

    private sealed class Subscription(RespondEvents bus, Action<object> deliver) : IDisposable
    {
        public void Offer(object message) => deliver(message);

        public void Dispose() => ImmutableInterlocked.Update(ref bus._subscriptions, a => a.Remove(this));
    }
}
