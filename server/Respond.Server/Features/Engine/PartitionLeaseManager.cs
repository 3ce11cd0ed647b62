using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Engine;

/// <summary>
/// On a shared database, leases this node its fair share of the evaluation partitions (organizations). Every
/// <see cref="ClusterOptions.LeaseRenewInterval"/> it marks itself alive, renews what it holds, counts the living nodes,
/// gives up what it holds beyond ceil(organizations / living nodes) and takes free or expired leases up to that share.
/// A partition it takes is loaded from the database (checkpoint, windows as snapshot plus log replay, open alerts)
/// before it is evaluated; one it loses (to a takeover, seen at renewal or refused by the fence) is dropped. Every
/// <see cref="ClusterOptions.LogPollInterval"/> it reads the log's head of the partitions it holds, to see events other
/// nodes appended. See docs/scale-out.md.
/// </summary>
public sealed class PartitionLeaseManager(
    PartitionOwnership ownership,
    EvaluationPartitions partitions,
    RuleEvaluator evaluator,
    IServiceScopeFactory scopes,
    IOptions<ClusterOptions> options,
    TimeProvider time,
    ILogger<PartitionLeaseManager> logger) : BackgroundService
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!ownership.Clustered) return;
        await Task.WhenAll(
            EveryAsync(c => ownership.WaitUntilWantedAsync(options.Value.LeaseRenewInterval, time, c), TickAsync, stoppingToken),
            EveryAsync(c => Task.Delay(options.Value.LogPollInterval, time, c), PollLogAsync, stoppingToken));
    }

    private async Task EveryAsync(Func<CancellationToken, Task> wait, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await wait(ct); }
            catch (OperationCanceledException) { return; }
            try { await work(ct); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception ex) { LeaseLog.TickFailed(logger, ex); }
        }
    }

    /// <summary>A node that stops on purpose gives its partitions up at once and leaves the living nodes, so others need not wait for expiry.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!ownership.Clustered) return;
        await _turn.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
            foreach (var organization in ownership.Held.Keys) await ReleaseAsync(db, organization, cancellationToken);
            await db.ClusterNodes.Where(n => n.NodeId == ownership.NodeId).ExecuteDeleteAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The database is gone too: the leases expire on their own.
            LeaseLog.TickFailed(logger, ex);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>One round: heartbeat, renewal, then giving up the surplus or taking up to the fair share.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        await _turn.WaitAsync(ct);
        try
        {
            var now = time.GetUtcNow();
            var expiresAt = now + options.Value.LeaseDuration;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
            await PartitionLeaseStore.HeartbeatAsync(db, ownership.NodeId, expiresAt, now - 20 * options.Value.LeaseDuration, ct);
            var mine = await PartitionLeaseStore.RenewAsync(db, ownership.NodeId, expiresAt, ct);
            foreach (var (organization, token) in ownership.Held)
                if (!mine.TryGetValue(organization, out var stillMine) || stillMine != token) await LoseAsync(organization, "taken over", ct);
            foreach (var (organization, token) in mine.Where(m => ownership.FenceOf(m.Key)?.Token != m.Value))
                await TakeAsync(db, organization, token, ct);

            var living = Math.Max(1, await db.ClusterNodes.CountAsync(n => n.ExpiresAt > now, ct));
            var organizations = await db.Organizations.AsNoTracking().Select(o => o.Id).OrderBy(o => o).ToListAsync(ct);
            var share = (organizations.Count + living - 1) / living;
            var held = ownership.Held.Keys.Order(StringComparer.Ordinal).ToList();
            foreach (var surplus in held.Skip(share)) await ReleaseAsync(db, surplus, ct);
            var leases = await db.PartitionLeases.AsNoTracking().ToDictionaryAsync(l => l.OrganizationId, l => (l.NodeId, l.ExpiresAt), StringComparer.Ordinal, ct);
            ownership.SeenElsewhere(leases.Where(l => l.Value.NodeId != ownership.NodeId && l.Value.NodeId.Length > 0 && l.Value.ExpiresAt > now).Select(l => l.Key));
            partitions.Progressed();
            if (held.Count >= share) return;
            var free = organizations.Where(o => !ownership.Holds(o) && (!leases.TryGetValue(o, out var lease) || lease.ExpiresAt <= now)).Take(share - held.Count);
            foreach (var organization in free)
                if (await PartitionLeaseStore.TryAcquireAsync(db, organization, ownership.NodeId, now, expiresAt, ct) is { } token)
                    await TakeAsync(db, organization, token, ct);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Reads the log's head of each held partition and tells the evaluator about events it has not seen (appended through other nodes).</summary>
    public async Task PollLogAsync(CancellationToken ct)
    {
        var held = ownership.Held.Keys.ToList();
        if (held.Count == 0) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        foreach (var organization in held)
        {
            var partition = partitions.For(organization);
            var known = partition.Head;
            var newer = await db.Events.Where(e => e.OrganizationId == organization && e.Sequence > known)
                .GroupBy(e => e.OrganizationId).Select(g => new { Count = g.Count(), Head = g.Max(e => e.Sequence) }).SingleOrDefaultAsync(ct);
            if (newer is not null) partitions.Appended(organization, newer.Count, newer.Head);
        }
    }

    /// <summary>This node leases the partition: its state is loaded from the database before it is evaluated.</summary>
    private async Task TakeAsync(RespondDbContext db, string organizationId, long token, CancellationToken ct)
    {
        var partition = await partitions.ReloadAsync(db, organizationId, time.GetUtcNow(), ct);
        await evaluator.ReplayWindowsAsync(partition, ct);
        ownership.Hold(organizationId, token);
        LeaseLog.Acquired(logger, organizationId, token);
        partitions.Wake();
    }

    /// <summary>Stops evaluating the partition (after the chunk in progress) and gives its lease up for another node.</summary>
    private async Task ReleaseAsync(RespondDbContext db, string organizationId, CancellationToken ct)
    {
        if (ownership.FenceOf(organizationId) is not { } fence) return;
        await LoseAsync(organizationId, "released for another node's share", ct);
        await PartitionLeaseStore.ReleaseAsync(db, organizationId, fence, ct);
    }

    private async Task LoseAsync(string organizationId, string why, CancellationToken ct)
    {
        ownership.Drop(organizationId);
        // A chunk in progress ends (or fails on the fence) before the partition counts as gone.
        using var _ = await partitions.For(organizationId).LockAsync(ct);
        LeaseLog.Lost(logger, organizationId, why);
    }
}

internal static partial class LeaseLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "This node now evaluates organization {OrganizationId} (fencing token {Token})")]
    public static partial void Acquired(ILogger logger, string organizationId, long token);

    [LoggerMessage(Level = LogLevel.Information, Message = "This node stopped evaluating organization {OrganizationId}: {Why}")]
    public static partial void Lost(ILogger logger, string organizationId, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A round of partition leases failed; the next round tries again")]
    public static partial void TickFailed(ILogger logger, Exception exception);
}
