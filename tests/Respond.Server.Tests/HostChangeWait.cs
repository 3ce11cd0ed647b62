using Microsoft.Extensions.DependencyInjection;
using Respond.Server.Messaging;

namespace Respond.Server.Tests;

/// <summary>
/// Waits for a condition on an in-process test host without a fixed poll: it re-reads the condition whenever the host
/// publishes a change on its event bus (<see cref="RespondEvents"/>: action updates, alerts, approval requests, … all
/// published after their commit), and after <see cref="Unannounced"/> at most for what the bus does not carry, until the limit.
/// </summary>
public static class HostChangeWait
{
    /// <summary>The longest the wait goes without reading: the condition may be one nothing on the bus announces.</summary>
    private static readonly TimeSpan Unannounced = TimeSpan.FromSeconds(1);

    /// <summary>The value once <paramref name="done"/> holds for it; fails after <paramref name="limit"/> with the last one seen.</summary>
    public static async Task<T> UntilAsync<T>(this RespondApiFixture api, Func<Task<T>> read, Func<T, bool> done, TimeSpan limit, Func<T, string> describe)
    {
        var until = DateTime.UtcNow + limit;
        var changes = new Changes();
        using var subscription = api.Services.GetRequiredService<RespondEvents>().Observe<object>(_ => true).Subscribe(changes);
        while (true)
        {
            // Armed before reading: a change published during the read wakes the next wait rather than being lost.
            var changed = changes.Arm();
            var value = await read();
            if (done(value)) return value;
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new Xunit.Sdk.XunitException(describe(value));
            try
            {
                await changed.WaitAsync(left < Unannounced ? left : Unannounced);
            }
            catch (TimeoutException) { }
        }
    }

    private sealed class Changes : IObserver<object>
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Arm()
        {
            var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _next, fresh);
            return fresh.Task;
        }

        public void OnNext(object value) => Volatile.Read(ref _next).TrySetResult();

        public void OnError(Exception error) { }

        public void OnCompleted() { }
    }
}
