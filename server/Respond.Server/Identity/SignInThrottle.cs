using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Respond.Server.Identity;

/// <summary>
/// Failed sign-ins per user name (case-insensitive, existing or not) and the addresses they came from, in memory: one
/// Respond process is assumed, and a restart forgets lockouts. A lockout applies to the addresses that failed for the name
/// within <see cref="SignInOptions.MaxLockoutDuration"/>; when more than <see cref="MaxSourcesPerName"/> addresses failed for
/// one name (a distributed guess) it applies to every address. Names without a recent failure are pruned so sprayed names
/// cannot grow it without bound.
/// </summary>
internal sealed class SignInThrottle(IOptions<SignInOptions> options, TimeProvider time, ILogger<SignInThrottle> logger)
{
    public const int MaxSourcesPerName = 1024;
    private const int PruneAbove = 10_000;
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.OrdinalIgnoreCase);
    private long nextPruneTicks;

    private sealed class Entry
    {
        public int Failures;
        public int Lockouts;
        public DateTimeOffset LockedUntil;
        public DateTimeOffset LastFailure;
        public readonly Dictionary<string, DateTimeOffset> FailedFrom = new(StringComparer.OrdinalIgnoreCase);
        public bool FailedFromTooManySources;
    }

    /// <summary>How long <paramref name="userName"/> is still locked for <paramref name="source"/>; null when it may try.</summary>
    public TimeSpan? LockedFor(string userName, string source)
    {
        if (!entries.TryGetValue(userName, out var entry)) return null;
        var now = time.GetUtcNow();
        lock (entry)
        {
            var left = entry.LockedUntil - now;
            return left > TimeSpan.Zero && AppliesTo(entry, source, now) ? left : null;
        }
    }

    /// <summary>Counts a failure from <paramref name="source"/>; returns how long the name is now locked when this failure locked it.</summary>
    public TimeSpan? Failed(string userName, string source)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        if (entries.Count > PruneAbove) Prune(now, now - o.MaxLockoutDuration);
        var entry = entries.GetOrAdd(userName, _ => new Entry());
        lock (entry)
        {
            entry.LastFailure = now;
            if (entry.FailedFrom.Count < MaxSourcesPerName || entry.FailedFrom.ContainsKey(source)) entry.FailedFrom[source] = now;
            else entry.FailedFromTooManySources = true;
            if (++entry.Failures < o.MaxFailures) return null;
            var duration = TimeSpan.FromTicks(Math.Min(o.MaxLockoutDuration.Ticks, o.LockoutDuration.Ticks << Math.Min(entry.Lockouts, 20)));
            entry.Lockouts++;
            entry.Failures = 0;
            entry.LockedUntil = now + duration;
            IdentityLog.SignInLockedOut(logger, userName, o.MaxFailures, duration);
            return duration;
        }
    }

    /// <summary>
    /// A right password: forgets the name's failures — unless it is locked, since the lockout still holds for the addresses
    /// that failed (a success from elsewhere must not hand the guesser a fresh count).
    /// </summary>
    public void Succeeded(string userName)
    {
        if (!entries.TryGetValue(userName, out var entry)) return;
        lock (entry)
        {
            if (entry.LockedUntil > time.GetUtcNow()) return;
        }
        entries.TryRemove(userName, out _);
    }

    /// <summary>Forgets the name's failures and lockout (an Admin's unlock); true when there were any.</summary>
    public bool Forget(string userName) => entries.TryRemove(userName, out _);

    private bool AppliesTo(Entry entry, string source, DateTimeOffset now) =>
        entry.FailedFromTooManySources
        || (entry.FailedFrom.TryGetValue(source, out var at) && at > now - options.Value.MaxLockoutDuration);

    /// <summary>Drops names with no recent failure; at most once a minute, so a spray of names costs no scan per request.</summary>
    private void Prune(DateTimeOffset now, DateTimeOffset before)
    {
        var due = Interlocked.Read(ref nextPruneTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref nextPruneTicks, (now + PruneInterval).UtcTicks, due) != due) return;
        foreach (var (name, entry) in entries)
        {
            if (entry.LastFailure < before && entry.LockedUntil < now) entries.TryRemove(name, out _);
        }
    }
}
