using System.Collections.Concurrent;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Persistence;

namespace Respond.Server.Identity;

/// <summary>Limits on password guessing (<c>Respond:Identity:SignIn</c>).</summary>
public sealed class SignInOptions
{
    public const string Section = "Respond:Identity:SignIn";

    /// <summary>Failed sign-ins in a row after which a user name is locked.</summary>
    public int MaxFailures { get; set; } = 5;

    /// <summary>How long the first lockout lasts; each further one doubles it.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest a lockout lasts.</summary>
    public TimeSpan MaxLockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    internal bool IsValid => MaxFailures >= 1 && LockoutDuration > TimeSpan.Zero && MaxLockoutDuration >= LockoutDuration;
}

public enum PasswordSignInStatus { SignedIn, Wrong, LockedOut }

public sealed record PasswordSignInResult(PasswordSignInStatus Status, UserAccount? User, TimeSpan RetryAfter)
{
    /// <summary>What the person is told; the same whether or not the user name exists.</summary>
    public string Message => Status == PasswordSignInStatus.LockedOut
        ? $"Too many failed sign-ins for this user name; try again in {Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds))} s."
        : "The user name or password is not correct.";
}

/// <summary>
/// Checks a user name and password for the token endpoint's password grant and the designer's login page. It answers
/// the same way, in about the same time, whether or not the user exists, and after <see cref="SignInOptions.MaxFailures"/>
/// failures in a row it locks the user name (even against the right password) for a doubling while.
/// </summary>
internal sealed class PasswordSignIn(RespondDbContext db, IPasswordHasher<UserAccount> hasher, SignInThrottle throttle)
{
    // Verified when there is no such user, so a missing user costs the same hash as a wrong password.
    private static readonly UserAccount StandIn = new() { Id = "stand-in", UserName = "stand-in", PasswordHash = "" };
    private static readonly Lazy<string> StandInHash = new(() => new PasswordHasher<UserAccount>().HashPassword(StandIn, Guid.NewGuid().ToString()));

    public async Task<PasswordSignInResult> CheckAsync(string? userName, string? password, CancellationToken ct)
    {
        var name = userName?.Trim() ?? "";
        if (throttle.LockedFor(name) is { } wait) return new(PasswordSignInStatus.LockedOut, null, wait);
        var user = name.Length == 0 ? null : await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == name, ct);
        var verified = hasher.VerifyHashedPassword(user ?? StandIn, user?.PasswordHash ?? StandInHash.Value, password ?? "") != PasswordVerificationResult.Failed;
        if (user is null || !verified)
        {
            return throttle.Failed(name) is { } locked
                ? new(PasswordSignInStatus.LockedOut, null, locked)
                : new(PasswordSignInStatus.Wrong, null, TimeSpan.Zero);
        }
        throttle.Forget(name);
        return new(PasswordSignInStatus.SignedIn, user, TimeSpan.Zero);
    }
}

/// <summary>
/// Failed sign-ins per user name (case-insensitive, existing or not), in memory: one Respond process is assumed, and a
/// restart forgets lockouts. Names without a recent failure are pruned so sprayed names cannot grow it without bound.
/// </summary>
internal sealed class SignInThrottle(IOptions<SignInOptions> options, TimeProvider time, ILogger<SignInThrottle> logger)
{
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
    }

    public TimeSpan? LockedFor(string userName)
    {
        if (!entries.TryGetValue(userName, out var entry)) return null;
        lock (entry)
        {
            var left = entry.LockedUntil - time.GetUtcNow();
            return left > TimeSpan.Zero ? left : null;
        }
    }

    /// <summary>Counts a failure; returns how long the name is now locked when this failure locked it.</summary>
    public TimeSpan? Failed(string userName)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        if (entries.Count > PruneAbove) Prune(now, now - o.MaxLockoutDuration);
        var entry = entries.GetOrAdd(userName, _ => new Entry());
        lock (entry)
        {
            entry.LastFailure = now;
            if (++entry.Failures < o.MaxFailures) return null;
            var duration = TimeSpan.FromTicks(Math.Min(o.MaxLockoutDuration.Ticks, o.LockoutDuration.Ticks << Math.Min(entry.Lockouts, 20)));
            entry.Lockouts++;
            entry.Failures = 0;
            entry.LockedUntil = now + duration;
            IdentityLog.SignInLockedOut(logger, userName, o.MaxFailures, duration);
            return duration;
        }
    }

    /// <summary>Forgets the name's failures and lockout (a successful sign-in, or an Admin's unlock); true when there were any.</summary>
    public bool Forget(string userName) => entries.TryRemove(userName, out _);

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
