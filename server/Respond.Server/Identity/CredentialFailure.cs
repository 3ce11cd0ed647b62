using System.Security.Cryptography;
using System.Text;

namespace Respond.Server.Identity;

/// <summary>One failed credential check counted against a key (<see cref="FailureWindow"/>): a source address or a client id.</summary>
public sealed class CredentialFailure
{
    public long Id { get; init; }

    /// <summary>What the key is: <see cref="FailureWindow.Sources"/> or <see cref="FailureWindow.Clients"/>.</summary>
    public required string Kind { get; init; }

    public required string Key { get; init; }

    public DateTimeOffset FailedAt { get; init; }
}

/// <summary>A user name's failed sign-ins in a row and its lockout (<see cref="SignInThrottle"/>).</summary>
public sealed class SignInLockout
{
    public required string UserNameKey { get; init; }

    /// <summary>Failures since the last lockout (or success).</summary>
    public int Failures { get; init; }

    /// <summary>Lockouts so far: each doubles the next one.</summary>
    public int Lockouts { get; init; }

    public DateTimeOffset LockedUntil { get; init; }

    public DateTimeOffset LastFailure { get; init; }

    /// <summary>More than <see cref="SignInThrottle.MaxSourcesPerName"/> addresses failed for the name: its lockout applies to every address.</summary>
    public bool FailedFromTooManySources { get; init; }
}

/// <summary>An address that failed for a user name, and when it last did: the name's lockout applies to it.</summary>
public sealed class SignInLockoutSource
{
    public required string UserNameKey { get; init; }

    public required string Source { get; init; }

    public DateTimeOffset FailedAt { get; init; }
}

/// <summary>
/// How a user name, client id or address typed by a caller is stored as a key: case-insensitive (lower case), and a name
/// longer than a column holds is replaced by its SHA-256, so no input can fail the insert that counts it.
/// </summary>
internal static class ThrottleKey
{
    public const int MaxLength = 200;

    public static string Of(string value)
    {
        var lower = value.ToLowerInvariant();
        return lower.Length <= MaxLength ? lower : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lower)));
    }
}
