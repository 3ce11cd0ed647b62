using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Audit;

public sealed record AuditBreak(long EntryId, string Reason);

public sealed record AuditVerification(bool Valid, int CheckedEntries, IReadOnlyList<AuditBreak> BrokenEntries, string? HeadHash, DateTimeOffset VerifiedAt);

/// <summary>
/// Makes the audit trail tamper-evident: each entry carries the hash of the one before it and a SHA-256 over its own
/// content and that previous hash. Entries are written by many units of work at once, so they are sealed by one sealer
/// (every second, and before every verification or export) rather than at insert time, in id order, each given the next
/// <see cref="AuditEntry.ChainPosition"/>: an entry committed after a higher id was sealed joins at the end. Sealers of
/// several nodes cannot fork the chain: the position is unique and an entry is sealed only while it has none. Editing
/// an entry breaks its own hash; removing one breaks the link of the next; rewriting the whole tail changes the head
/// hash, which is why verification returns it for keeping elsewhere.
/// </summary>
public sealed class AuditChain(IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>Seals tried in a row when another node's sealer keeps getting there first.</summary>
    private const int MaxSealAttempts = 5;

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Length-prefixed fields, one per line; docs/actions.md ("Tamper evidence") shows the same computation for an offline check of an export.</summary>
    public static string Compute(AuditEntry e, string? previousHash)
    {
        var text = new StringBuilder();
        foreach (var field in new[]
                 {
                     e.Id.ToString(CultureInfo.InvariantCulture), e.At.UtcTicks.ToString(CultureInfo.InvariantCulture), e.ActorId, e.ActorName, e.Action,
                     e.SubjectType, e.SubjectId, e.Organizations, e.Before, e.After, previousHash ?? "",
                 })
        {
            if (field is null) text.Append("-\n");
            else text.Append(Encoding.UTF8.GetByteCount(field).ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Seals every entry written so far.</summary>
    /// <returns>
    /// The chain position of the last sealed entry (0 while the trail is empty). Units of work go on writing entries after
    /// the seal, so a reader that must see only sealed entries (an export, a verification) reads up to this position.
    /// </returns>
    public async Task<long> SealAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await SealPendingAsync(ct);
                }
                catch (DbUpdateException) when (attempt < MaxSealAttempts)
                {
                    // Another node's sealer sealed one of these entries or took the same position first: read the head again.
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<long> SealPendingAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        var head = await db.AuditEntries.AsNoTracking().Where(a => a.ChainPosition != null).OrderByDescending(a => a.ChainPosition)
            .Select(a => new { a.ChainPosition, a.Hash }).FirstOrDefaultAsync(ct);
        var (position, previous) = (head?.ChainPosition ?? 0, head?.Hash);
        while (true)
        {
            var pending = await db.AuditEntries.Where(a => a.ChainPosition == null).OrderBy(a => a.Id).Take(500).ToListAsync(ct);
            if (pending.Count == 0) return position;
            foreach (var entry in pending)
            {
                entry.ChainPosition = ++position;
                entry.PreviousHash = previous ?? "";
                entry.Hash = Compute(entry, entry.PreviousHash);
                previous = entry.Hash;
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Checks every sealed entry; one written after the seal is left for the next verification, not reported as edited.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken ct)
    {
        var head = await SealAsync(ct);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        var broken = new List<AuditBreak>();
        string? previous = "";
        var count = 0;
        long lastPosition = 0;
        while (true)
        {
            var batch = await db.AuditEntries.AsNoTracking().Where(a => a.ChainPosition > lastPosition && a.ChainPosition <= head).OrderBy(a => a.ChainPosition).Take(1000)
                .ToListAsync(ct);
            if (batch.Count == 0) break;
            foreach (var entry in batch)
            {
                count++;
                if (entry.Hash is null || Compute(entry, entry.PreviousHash) != entry.Hash)
                    broken.Add(new AuditBreak(entry.Id, "Its content no longer matches its hash: the entry was edited."));
                else if (entry.PreviousHash != previous)
                    broken.Add(new AuditBreak(entry.Id, "Its link to the entry before it is broken: an entry before it was removed, inserted or re-hashed."));
                previous = entry.Hash;
                lastPosition = entry.ChainPosition!.Value;
            }
        }
        return new AuditVerification(broken.Count == 0, count, broken, previous is "" ? null : previous, time.GetUtcNow());
    }
}

/// <summary>Seals new audit entries about once a second.</summary>
internal sealed class AuditSealer(AuditChain chain, ILogger<AuditSealer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await chain.SealAsync(ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                AuditLog.SealFailed(logger, ex);
            }
        }
    }
}

internal static partial class AuditLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Sealing audit entries failed; they stay unsealed and are retried")]
    public static partial void SealFailed(ILogger logger, Exception exception);
}
