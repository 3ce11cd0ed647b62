using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Persistence;

namespace Respond.Server.Identity;

/// <summary>
/// Failed sign-ins per user name (case-insensitive, existing or not) and the addresses they came from, in the database
/// (<see cref="SignInLockout"/>, <see cref="SignInLockoutSource"/>): every node sharing it counts the same failures and
/// honours the same lockout, and a restart forgets nothing. A lockout applies to the addresses that failed for the name
/// within <see cref="SignInOptions.MaxLockoutDuration"/>; when more than <see cref="MaxSourcesPerName"/> addresses failed
/// for one name (a distributed guess) it applies to every address. A failure is counted by one atomic update, and the
/// lockout is claimed by a conditional update on the lockout count, so parallel failures on any nodes all count and each
/// lockout is claimed once. Names without a recent failure are deleted (at most once a minute per node) so sprayed names
/// cannot grow the table without bound.
/// </summary>
internal sealed class SignInThrottle(IOptions<SignInOptions> options, TimeProvider time, IServiceScopeFactory scopes, ILogger<SignInThrottle> logger)
{
    public const int MaxSourcesPerName = 1024;
    private static readonly TimeSpan PruneInterval = TimeSpan.FromMinutes(1);
    private long _nextPruneTicks;

    /// <summary>How long <paramref name="userName"/> is still locked for <paramref name="source"/>; null when it may try.</summary>
    public async Task<TimeSpan?> LockedForAsync(string userName, string source, CancellationToken ct)
    {
        var name = ThrottleKey.Of(userName);
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        var lockout = await db.Set<SignInLockout>().AsNoTracking().SingleOrDefaultAsync(l => l.UserNameKey == name, ct);
        if (lockout is null || lockout.LockedUntil <= now) return null;
        if (lockout.FailedFromTooManySources) return lockout.LockedUntil - now;
        var address = ThrottleKey.Of(source);
        var since = now - options.Value.MaxLockoutDuration;
        var failedFromHere = await db.Set<SignInLockoutSource>().AnyAsync(s => s.UserNameKey == name && s.Source == address && s.FailedAt > since, ct);
        return failedFromHere ? lockout.LockedUntil - now : null;
    }

    /// <summary>
    /// Counts a failure from <paramref name="source"/>; returns how long the name is now locked when this failure locked it.
    /// Not cancellable: a caller hanging up must not escape being counted.
    /// </summary>
    public async Task<TimeSpan?> FailedAsync(string userName, string source)
    {
        var o = options.Value;
        var name = ThrottleKey.Of(userName);
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        await PruneAsync(db, now, o.MaxLockoutDuration);
        await RememberSourceAsync(db, name, ThrottleKey.Of(source), now);
        await CountAsync(db, name, now);
        while (await db.Set<SignInLockout>().AsNoTracking().SingleOrDefaultAsync(l => l.UserNameKey == name) is { } counted && counted.Failures >= o.MaxFailures)
        {
            var duration = TimeSpan.FromTicks(Math.Min(o.MaxLockoutDuration.Ticks, o.LockoutDuration.Ticks << Math.Min(counted.Lockouts, 20)));
            var lockedUntil = now + duration;
            var claimed = await db.Set<SignInLockout>()
                .Where(l => l.UserNameKey == name && l.Lockouts == counted.Lockouts && l.Failures >= o.MaxFailures)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.Failures, l => l.Failures - o.MaxFailures)
                    .SetProperty(l => l.Lockouts, l => l.Lockouts + 1)
                    .SetProperty(l => l.LockedUntil, lockedUntil));
            if (claimed == 0) continue; // another failure claimed this lockout first: look again
            IdentityLog.SignInLockedOut(logger, userName, o.MaxFailures, duration);
            return duration;
        }
        return null;
    }

    /// <summary>
    /// A right password: forgets the name's failures — unless it is locked, since the lockout still holds for the addresses
    /// that failed (a success from elsewhere must not hand the guesser a fresh count).
    /// </summary>
    public async Task SucceededAsync(string userName)
    {
        var name = ThrottleKey.Of(userName);
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        if (await db.Set<SignInLockout>().Where(l => l.UserNameKey == name && l.LockedUntil <= now).ExecuteDeleteAsync() > 0)
            await db.Set<SignInLockoutSource>().Where(s => s.UserNameKey == name).ExecuteDeleteAsync();
    }

    /// <summary>Forgets the name's failures and lockout on every node (an Admin's unlock); true when there were any.</summary>
    public async Task<bool> ForgetAsync(string userName)
    {
        var name = ThrottleKey.Of(userName);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        var forgotten = await db.Set<SignInLockout>().Where(l => l.UserNameKey == name).ExecuteDeleteAsync();
        await db.Set<SignInLockoutSource>().Where(s => s.UserNameKey == name).ExecuteDeleteAsync();
        return forgotten > 0;
    }

    /// <summary>Adds one to the name's failures in one statement; the first failure inserts the row (a racing insert updates instead).</summary>
    private static async Task CountAsync(RespondDbContext db, string name, DateTimeOffset now)
    {
        for (var attempt = 0; ; attempt++)
        {
            var counted = await db.Set<SignInLockout>().Where(l => l.UserNameKey == name)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.Failures, l => l.Failures + 1).SetProperty(l => l.LastFailure, now));
            if (counted > 0) return;
            if (await TryInsertAsync(db, new SignInLockout { UserNameKey = name, Failures = 1, LastFailure = now, LockedUntil = DateTimeOffset.UnixEpoch }) || attempt > 0) return;
        }
    }

    /// <summary>Remembers that <paramref name="source"/> failed for the name, or marks the name as failed from too many addresses.</summary>
    private static async Task RememberSourceAsync(RespondDbContext db, string name, string source, DateTimeOffset now)
    {
        var sources = db.Set<SignInLockoutSource>();
        if (await sources.Where(s => s.UserNameKey == name && s.Source == source).ExecuteUpdateAsync(s => s.SetProperty(x => x.FailedAt, now)) > 0) return;
        if (await sources.CountAsync(s => s.UserNameKey == name) < MaxSourcesPerName)
        {
            if (await TryInsertAsync(db, new SignInLockoutSource { UserNameKey = name, Source = source, FailedAt = now })) return;
            await sources.Where(s => s.UserNameKey == name && s.Source == source).ExecuteUpdateAsync(s => s.SetProperty(x => x.FailedAt, now));
            return;
        }
        if (await db.Set<SignInLockout>().Where(l => l.UserNameKey == name).ExecuteUpdateAsync(s => s.SetProperty(l => l.FailedFromTooManySources, true)) == 0)
            await TryInsertAsync(db, new SignInLockout { UserNameKey = name, LastFailure = now, LockedUntil = DateTimeOffset.UnixEpoch, FailedFromTooManySources = true });
    }

    /// <summary>Inserts a row; false when another request inserted the same key first.</summary>
    private static async Task<bool> TryInsertAsync(RespondDbContext db, object row)
    {
        db.Add(row);
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
        finally
        {
            db.Entry(row).State = EntityState.Detached;
        }
    }

    /// <summary>Deletes names with no recent failure and no lockout; at most once a minute per node, so a spray of names costs no scan per request.</summary>
    private async Task PruneAsync(RespondDbContext db, DateTimeOffset now, TimeSpan kept)
    {
        var due = Interlocked.Read(ref _nextPruneTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextPruneTicks, (now + PruneInterval).UtcTicks, due) != due) return;
        var before = now - kept;
        await db.Set<SignInLockout>().Where(l => l.LastFailure < before && l.LockedUntil < now).ExecuteDeleteAsync();
        await db.Set<SignInLockoutSource>().Where(s => s.FailedAt < before).ExecuteDeleteAsync();
    }
}
