using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Persistence;

namespace Respond.Server.Identity;

/// <summary>Limits on credential guessing (<c>Respond:Identity:SignIn</c>).</summary>
public sealed class SignInOptions
{
    public const string Section = "Respond:Identity:SignIn";

    /// <summary>Failed sign-ins in a row after which a user name is locked (for the addresses those failures came from).</summary>
    public int MaxFailures { get; set; } = 5;

    /// <summary>How long the first lockout lasts; each further one doubles it.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest a lockout lasts; also how long an address that failed for a user name is held to that name's lockout.</summary>
    public TimeSpan MaxLockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failed credential checks (any user name or client) from one source address within a minute after which it is refused unchecked.</summary>
    public int MaxFailuresPerSource { get; set; } = 30;

    /// <summary>Failed authentications of one client id within a minute after which addresses that failed are refused unchecked for it.</summary>
    public int MaxFailuresPerClient { get; set; } = 30;

    internal bool IsValid => MaxFailures >= 1 && LockoutDuration > TimeSpan.Zero && MaxLockoutDuration >= LockoutDuration
        && MaxFailuresPerSource >= 1 && MaxFailuresPerClient >= 1;
}

public enum PasswordSignInStatus { SignedIn, Wrong, LockedOut, SourceThrottled }

public sealed record PasswordSignInResult(PasswordSignInStatus Status, UserAccount? User, TimeSpan RetryAfter)
{
    /// <summary>What the person is told; the same whether or not the user name exists.</summary>
    public string Message => Status switch
    {
        PasswordSignInStatus.LockedOut => $"Too many failed sign-ins for this user name; try again in {Seconds} s.",
        PasswordSignInStatus.SourceThrottled => $"Too many failed sign-ins from this address; try again in {Seconds} s.",
        _ => "The user name or password is not correct.",
    };

    public bool IsThrottled => Status is PasswordSignInStatus.LockedOut or PasswordSignInStatus.SourceThrottled;

    private int Seconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}

/// <summary>
/// Checks a user name and password for the token endpoint's password grant and the designer's login page. It answers
/// the same way, in about the same time, whether or not the user exists. Guessing is held back twice: an address with too
/// many failures in a minute is refused outright (<see cref="SourceThrottle"/>), and after <see cref="SignInOptions.MaxFailures"/>
/// failures in a row a user name is locked for a doubling while — but only for the addresses that failed for it, so whoever
/// guesses cannot keep the real person out: the right password from an address with no failure for that name still signs in.
/// Every refusal is an audit entry (<see cref="SignInAudit"/>).
/// </summary>
internal sealed class PasswordSignIn(RespondDbContext db, IPasswordHasher<UserAccount> hasher, SignInThrottle throttle, SourceThrottle sources, SignInAudit audit)
{
    public const string LoginPage = "login page";
    public const string PasswordGrant = "password grant";

    // Verified when there is no such user, so a missing user costs the same hash as a wrong password.
    private static readonly UserAccount StandIn = new() { Id = "stand-in", UserName = "stand-in", PasswordHash = "" };
    private static readonly Lazy<string> StandInHash = new(() => new PasswordHasher<UserAccount>().HashPassword(StandIn, Guid.NewGuid().ToString()));

    public async Task<PasswordSignInResult> CheckAsync(string? userName, string? password, string source, string via, CancellationToken ct)
    {
        var name = userName?.Trim() ?? "";
        // Refused unchecked and not audited one by one: the address was audited when it became throttled.
        if (await sources.ThrottledForAsync(source, ct) is { } wait) return new(PasswordSignInStatus.SourceThrottled, null, wait);

        var user = name.Length == 0 ? null : await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == name, ct);
        if (await throttle.LockedForAsync(name, source, ct) is { } locked)
        {
            await FailedAsync(user, "locked out", source, via, null);
            return new(PasswordSignInStatus.LockedOut, null, locked);
        }

        var verified = hasher.VerifyHashedPassword(user ?? StandIn, user?.PasswordHash ?? StandInHash.Value, password ?? "") != PasswordVerificationResult.Failed;
        // A disabled user is told what a wrong password is told: the answer never says which accounts exist or are disabled.
        if (user is null || !verified || user.DisabledAt is not null)
        {
            var lockout = await throttle.FailedAsync(name, source);
            await FailedAsync(user, user is null ? "unknown user name" : !verified ? "wrong password" : "user disabled", source, via, lockout);
            return lockout is { } duration
                ? new(PasswordSignInStatus.LockedOut, null, duration)
                : new(PasswordSignInStatus.Wrong, null, TimeSpan.Zero);
        }
        await throttle.SucceededAsync(name);
        return new(PasswordSignInStatus.SignedIn, user, TimeSpan.Zero);
    }

    private async Task FailedAsync(UserAccount? user, string reason, string source, string via, TimeSpan? lockout)
    {
        var throttled = await sources.FailedAsync(source);
        await audit.SignInRefusedAsync(user, reason, source, via);
        if (lockout is { } duration) await audit.LockedOutAsync(user, duration, source);
        if (throttled) await audit.SourceThrottledAsync(source, SourceThrottle.Window);
    }
}
