using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Engine;

/// <summary>
/// Which node evaluates an organization's events. <see cref="Token"/> (the fencing token) grows by one with every
/// takeover, so a node that lost the lease while paused cannot move the checkpoint: its write names the token it had.
/// A released or expired lease keeps its row (and its token) for the next node.
/// </summary>
public sealed class PartitionLease
{
    public required string OrganizationId { get; init; }

    /// <summary>The holding node; empty once released.</summary>
    public required string NodeId { get; set; }

    public long Token { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>A living node of the cluster: it renews this row with its leases; the living nodes' count sets each one's fair share.</summary>
public sealed class ClusterNode
{
    public required string NodeId { get; init; }

    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>What a checkpoint write proves: this node holds the organization's lease with this token.</summary>
public sealed record PartitionFence(string NodeId, long Token);

/// <summary>The partition's lease moved to another node before this node's unit committed; the unit rolled back.</summary>
public sealed class PartitionLeaseLostException(string organizationId)
    : Exception($"This node no longer holds the evaluation lease of organization {organizationId}; its unit was rolled back.")
{
    public string OrganizationId { get; } = organizationId;
}

/// <summary>
/// The partitions this node may evaluate. On one node (SQLite) it holds every partition with no lease and no fence; on a
/// shared database (PostgreSQL, SQL Server) it holds what <see cref="PartitionLeaseManager"/> leased, each with its token.
/// </summary>
public sealed class PartitionOwnership(bool clustered)
{
    private readonly ConcurrentDictionary<string, long> _held = new(StringComparer.Ordinal);
    private TaskCompletionSource _wanted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile HashSet<string> _elsewhere = new(StringComparer.Ordinal);

    /// <summary>This process's name among the nodes: host, process and a random part (a restarted node is a new node).</summary>
    public string NodeId { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    public bool Clustered { get; } = clustered;

    public bool Holds(string organizationId) => !Clustered || _held.ContainsKey(organizationId);

    /// <summary>The fence a checkpoint write of this partition must pass; null on one node, or when this node does not hold it.</summary>
    public PartitionFence? FenceOf(string organizationId) =>
        Clustered && _held.TryGetValue(organizationId, out var token) ? new PartitionFence(NodeId, token) : null;

    /// <summary>
    /// The fence this node's write of the partition's checkpoint or windows must pass: none on one node; in a cluster,
    /// the lease it must still hold, or <see cref="PartitionLeaseLostException"/> when it holds none.
    /// </summary>
    public PartitionFence? WriteFenceOf(string organizationId) => !Clustered ? null
        : FenceOf(organizationId) ?? throw new PartitionLeaseLostException(organizationId);

    /// <summary>The organizations held, with their tokens.</summary>
    public IReadOnlyDictionary<string, long> Held => new Dictionary<string, long>(_held, StringComparer.Ordinal);

    /// <summary>Whether another living node held the partition's lease at this node's last round.</summary>
    public bool LeasedElsewhere(string organizationId) => Clustered && _elsewhere.Contains(organizationId);

    /// <summary>Events arrived for a partition nobody leases (a new organization): the lease manager runs a round now.</summary>
    internal void Want(string organizationId)
    {
        if (!Clustered || Holds(organizationId) || LeasedElsewhere(organizationId)) return;
        Volatile.Read(ref _wanted).TrySetResult();
    }

    /// <summary>Waits for <paramref name="timeout"/> or until a partition is wanted, whichever comes first.</summary>
    internal async Task WaitUntilWantedAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        var wanted = Volatile.Read(ref _wanted).Task;
        await Task.WhenAny(wanted, Task.Delay(timeout, time, ct));
        if (wanted.IsCompleted) Interlocked.Exchange(ref _wanted, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    internal void SeenElsewhere(IEnumerable<string> organizationIds) => _elsewhere = new HashSet<string>(organizationIds, StringComparer.Ordinal);

    internal void Hold(string organizationId, long token) => _held[organizationId] = token;

    internal bool Drop(string organizationId)
    {
        if (!_held.TryRemove(organizationId, out _)) return false;
        Dropped?.Invoke(organizationId);
        return true;
    }

    /// <summary>A held partition was given up or lost (its organization id); a seam for tests.</summary>
    internal event Action<string>? Dropped;
}

/// <summary>The lease rows: taking, renewing, giving up, and the fence a checkpoint write passes in its transaction.</summary>
internal static class PartitionLeaseStore
{
    /// <summary>
    /// Inside the unit's transaction: touches the lease row only if this node still holds it with the fence's token. The
    /// update locks the row until the commit, so a takeover waits for this unit; a takeover that came first leaves 0 rows
    /// and the unit fails.
    /// </summary>
    public static async Task PassFenceAsync(RespondDbContext db, string organizationId, PartitionFence fence, CancellationToken ct)
    {
        var touched = await db.PartitionLeases
            .Where(l => l.OrganizationId == organizationId && l.NodeId == fence.NodeId && l.Token == fence.Token)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Token, l => l.Token), ct);
        if (touched == 0) throw new PartitionLeaseLostException(organizationId);
    }

    /// <summary>Records that <paramref name="nodeId"/> lives until <paramref name="expiresAt"/>; forgets nodes dead for long.</summary>
    public static async Task HeartbeatAsync(RespondDbContext db, string nodeId, DateTimeOffset expiresAt, DateTimeOffset forgetBefore, CancellationToken ct)
    {
        if (await db.ClusterNodes.Where(n => n.NodeId == nodeId).ExecuteUpdateAsync(s => s.SetProperty(n => n.ExpiresAt, expiresAt), ct) == 0)
        {
            db.ClusterNodes.Add(new ClusterNode { NodeId = nodeId, ExpiresAt = expiresAt });
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        await db.ClusterNodes.Where(n => n.ExpiresAt < forgetBefore).ExecuteDeleteAsync(ct);
    }

    /// <summary>Extends every lease <paramref name="nodeId"/> holds and returns them (organization, token).</summary>
    public static async Task<Dictionary<string, long>> RenewAsync(RespondDbContext db, string nodeId, DateTimeOffset expiresAt, CancellationToken ct)
    {
        await db.PartitionLeases.Where(l => l.NodeId == nodeId).ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, expiresAt), ct);
        return await db.PartitionLeases.AsNoTracking().Where(l => l.NodeId == nodeId).ToDictionaryAsync(l => l.OrganizationId, l => l.Token, StringComparer.Ordinal, ct);
    }

    /// <summary>Takes the lease if nobody holds it (no row, released, or expired at <paramref name="now"/>); its new token, or null.</summary>
    public static async Task<long?> TryAcquireAsync(RespondDbContext db, string organizationId, string nodeId, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var taken = await db.PartitionLeases.Where(l => l.OrganizationId == organizationId && l.ExpiresAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.NodeId, nodeId).SetProperty(l => l.Token, l => l.Token + 1).SetProperty(l => l.ExpiresAt, expiresAt), ct);
        if (taken == 0 && !await db.PartitionLeases.AnyAsync(l => l.OrganizationId == organizationId, ct))
        {
            db.PartitionLeases.Add(new PartitionLease { OrganizationId = organizationId, NodeId = nodeId, Token = 1, ExpiresAt = expiresAt });
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException) { }
            db.ChangeTracker.Clear();
        }
        return await db.PartitionLeases.AsNoTracking().Where(l => l.OrganizationId == organizationId && l.NodeId == nodeId)
            .Select(l => (long?)l.Token).SingleOrDefaultAsync(ct);
    }

    /// <summary>Gives a lease up at once (for a node short of its share), keeping its token.</summary>
    public static Task ReleaseAsync(RespondDbContext db, string organizationId, PartitionFence fence, CancellationToken ct) =>
        db.PartitionLeases.Where(l => l.OrganizationId == organizationId && l.NodeId == fence.NodeId && l.Token == fence.Token)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.NodeId, "").SetProperty(l => l.ExpiresAt, DateTimeOffset.MinValue), ct);
}
