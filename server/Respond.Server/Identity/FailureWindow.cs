using Microsoft.EntityFrameworkCore;
using Respond.Server.Persistence;

namespace Respond.Server.Identity;

/// <summary>
/// Failures per key (a source address, a client id) within a sliding window, in the database (a row of
/// <see cref="CredentialFailure"/> per failure): every node sharing it counts the same failures, so a guesser gets the
/// allowance once, not once per node. Each failure is its own insert, so parallel failures all count. Rows older than the
/// window are deleted at most once per window by whichever node counts a failure then.
/// </summary>
internal sealed class FailureWindow(IServiceScopeFactory scopes, TimeProvider time, string kind, int limit, TimeSpan window)
{
    public const string Sources = "source";
    public const string Clients = "client";
    private long _nextPruneTicks;

    public int Limit { get; } = limit;

    /// <summary>How long until <paramref name="key"/> has fewer than <see cref="Limit"/> failures in the window; null when it has fewer now.</summary>
    public async Task<TimeSpan?> ThrottledForAsync(string key, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var limitReachedAt = await Recent(scope, key, now).OrderByDescending(f => f.FailedAt).Skip(Limit - 1).Select(f => f.FailedAt).Take(1).ToListAsync(ct);
        return limitReachedAt.Count == 0 ? null : limitReachedAt[0] + window - now;
    }

    /// <summary>Whether <paramref name="key"/> failed at all within the window.</summary>
    public async Task<bool> HasFailedAsync(string key, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await Recent(scope, key, time.GetUtcNow()).AnyAsync(ct);
    }

    /// <summary>
    /// Counts a failure; true when this one brought the key to the limit (it is throttled from now on). Not cancellable:
    /// a caller hanging up must not escape being counted.
    /// </summary>
    public async Task<bool> FailedAsync(string key)
    {
        var ct = CancellationToken.None;
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        await PruneAsync(db, now, ct);
        db.Add(new CredentialFailure { Kind = kind, Key = ThrottleKey.Of(key), FailedAt = now });
        await db.SaveChangesAsync(ct);
        return await Recent(scope, key, now).CountAsync(ct) == Limit;
    }

    private IQueryable<CredentialFailure> Recent(AsyncServiceScope scope, string key, DateTimeOffset now)
    {
        var stored = ThrottleKey.Of(key);
        var since = now - window;
        return scope.ServiceProvider.GetRequiredService<RespondDbContext>().Set<CredentialFailure>().AsNoTracking()
            .Where(f => f.Kind == kind && f.Key == stored && f.FailedAt > since);
    }

    /// <summary>Deletes this kind's failures older than the window; at most once per window per node, so a spray of keys costs no delete per request.</summary>
    private async Task PruneAsync(RespondDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var due = Interlocked.Read(ref _nextPruneTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextPruneTicks, (now + window).UtcTicks, due) != due) return;
        var before = now - window;
        await db.Set<CredentialFailure>().Where(f => f.Kind == kind && f.FailedAt <= before).ExecuteDeleteAsync(ct);
    }
}
