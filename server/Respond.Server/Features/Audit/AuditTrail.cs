using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Respond.Server.Identity;
using Respond.Server.Messaging;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Audit;

/// <summary>
/// Writes audit entries in the same transaction as the change they describe: the entry and the change
/// are saved together or not at all.
/// </summary>
public sealed class AuditTrail(RespondDbContext db, TimeProvider time)
{
    public void Record(RespondPrincipal actor, string action, string subjectType, string subjectId,
        IEnumerable<string> organizationIds, object? before, object? after) =>
        db.AuditEntries.Add(new AuditEntry
        {
            At = time.GetUtcNow(),
            ActorId = actor.Id,
            ActorName = actor.Name,
            Action = action,
            SubjectType = subjectType,
            SubjectId = subjectId,
            Organizations = OrganizationScope.Encode(organizationIds),
            Before = before is null ? null : JsonSerializer.Serialize(before, RespondDbContext.JsonOptions),
            After = after is null ? null : JsonSerializer.Serialize(after, RespondDbContext.JsonOptions),
        });
}

/// <summary>Publishes audit entries to subscribers once they are committed, never before.</summary>
internal sealed class AuditPublisher(RespondEvents events) : SaveChangesInterceptor
{
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, List<AuditEntry>> _pending = new();

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        Capture(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Capture(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken ct = default)
    {
        Flush(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Flush(eventData.Context);
        return result;
    }

    private void Capture(DbContext? context)
    {
        if (context is null) return;
        _pending.AddOrUpdate(context, Persistence.TrackedEntries.Of<AuditEntry>(context).Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList());
    }

    private void Flush(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var entries)) return;
        _pending.Remove(context);
        foreach (var entry in entries) events.Publish(entry);
    }
}
