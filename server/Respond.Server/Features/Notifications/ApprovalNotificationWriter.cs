using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Respond.Server.Features.Approvals;

namespace Respond.Server.Features.Notifications;

/// <summary>
/// Adds an <see cref="ApprovalNotification"/> to every save that opens an approval request or fires one of its escalation
/// steps, read from the tracked entities so every writer (engine, API, jobs) is covered and the notification commits
/// with the change. Sending happens after the commit, never inside the approval's transaction.
/// </summary>
internal sealed class ApprovalNotificationWriter(TimeProvider time) : SaveChangesInterceptor
{
    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        Write(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Write(eventData.Context);
        return result;
    }

    private void Write(DbContext? context)
    {
        if (context is null) return;
        var now = time.GetUtcNow();
        foreach (var entry in Persistence.TrackedEntries.Of<ApprovalRequest>(context))
        {
            var level = entry.State switch
            {
                EntityState.Added => 0,
                EntityState.Modified when entry.Property(r => r.EscalationLevel).IsModified && entry.Property(r => r.EscalationLevel).OriginalValue < entry.Entity.EscalationLevel
                    => entry.Entity.EscalationLevel,
                _ => -1,
            };
            if (level < 0 || entry.Entity.Status != ApprovalStatus.Pending) continue;
            context.Add(new ApprovalNotification
            {
                Id = "ntf_" + Guid.CreateVersion7(now).ToString("N"),
                ApprovalRequestId = entry.Entity.Id,
                OrganizationId = entry.Entity.OrganizationId,
                Level = level,
                NextAttemptAt = now,
                CreatedAt = now,
            });
        }
    }
}
