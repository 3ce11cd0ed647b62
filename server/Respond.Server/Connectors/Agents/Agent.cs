using System.Security.Cryptography;
using System.Text;

namespace Respond.Server.Connectors.Agents;

/// <summary>
/// An endpoint agent enrolled for one device of one organization. Only a hash of its secret is stored: a stolen
/// database does not let anyone impersonate the agent, and re-enrolling the device replaces the credential.
/// </summary>
public sealed class Agent
{
    public required string Id { get; init; }
    public required string OrganizationId { get; init; }
    public required string DeviceId { get; init; }
    public string Hostname { get; private set; } = "";
    public string Os { get; private set; } = "";
    public string SecretHash { get; private set; } = "";
    public DateTimeOffset EnrolledAt { get; private set; }
    public DateTimeOffset? LastSeenAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }
    public string? RevokedBy { get; private set; }
    public string? RevokedReason { get; private set; }

    /// <summary>The node holding the agent's channel (several nodes on PostgreSQL); null while it is not connected.</summary>
    public string? ConnectedNodeId { get; private set; }

    /// <summary>(Re-)enrols the device: the previous secret stops working at once, and a revoked device is admitted again.</summary>
    public void Enrol(string hostname, string os, string secret, DateTimeOffset now)
    {
        Hostname = hostname;
        Os = os;
        SecretHash = AgentSecrets.Hash(secret);
        EnrolledAt = now;
        LastSeenAt = now;
        RevokedAt = null;
        RevokedBy = null;
        RevokedReason = null;
    }

    /// <summary>Stops the agent's credential for good (a lost or compromised device); only a new enrolment admits it again.</summary>
    public void Revoke(string by, string? reason, DateTimeOffset now)
    {
        RevokedAt = now;
        RevokedBy = by;
        RevokedReason = reason;
        SecretHash = "";
    }

    public bool Accepts(string secret) => RevokedAt is null && SecretHash.Length > 0 && AgentSecrets.Matches(secret, SecretHash);

    public void ConnectedTo(string nodeId) => ConnectedNodeId = nodeId;

    /// <summary>The channel to <paramref name="nodeId"/> closed; a newer channel to another node stays recorded.</summary>
    public void DisconnectedFrom(string nodeId)
    {
        if (ConnectedNodeId == nodeId) ConnectedNodeId = null;
    }

    public void Seen(DateTimeOffset now)
    {
        if (LastSeenAt is null || now > LastSeenAt) LastSeenAt = now;
    }
}

/// <summary>A one-use token an Admin hands to whoever installs agents for an organization; only its hash is stored.</summary>
public sealed class AgentEnrollmentToken
{
    public required string Id { get; init; }
    public required string OrganizationId { get; init; }
    public required string TokenHash { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? UsedAt { get; private set; }
    public string? UsedByAgentId { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }
    public string? RevokedBy { get; private set; }

    public void Revoke(string by, DateTimeOffset now)
    {
        RevokedAt = now;
        RevokedBy = by;
    }

    public void Use(string agentId, DateTimeOffset now)
    {
        UsedAt = now;
        UsedByAgentId = agentId;
    }
}

/// <summary>
/// Tokens and agent secrets are 256 random bits, so a plain SHA-256 is as good as a slow password hash here
/// (nothing to brute-force) and lets a token be found by its hash.
/// </summary>
internal static class AgentSecrets
{
    public static string New(string prefix) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool Matches(string secret, string hash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(hash));
}
