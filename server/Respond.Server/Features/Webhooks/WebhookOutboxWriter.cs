using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Respond.Server.Features.Actions;
using Respond.Server.Features.Alerts;
using Respond.Server.Features.Approvals;

namespace Respond.Server.Features.Webhooks;

/// <summary>
/// The outbox's writer: every save that raises an alert, opens, decides or escalates an approval request, or moves an
/// action adds one <see cref="WebhookMessage"/> per subscription receiving it, to the same save, so the message commits
/// with the change or not at all (a crash after the commit loses nothing: the dispatcher finds the row). Reading the
/// change from the tracked entities, not from each place that makes it, keeps every writer (engine, API, jobs) covered.
/// </summary>
internal sealed class WebhookOutboxWriter(WebhookSubscriptionCache subscriptions, WebhookSignal signal, TimeProvider time) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, object> _written = new();

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        if (eventData.Context is { } context) Write(context, await subscriptions.EnabledAsync(ct));
        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        // Synchronous saves are rare (start-up, tests); they wait for the cache rather than skip the outbox.
        if (eventData.Context is { } context) Write(context, subscriptions.EnabledAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult());
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken ct = default) =>
        ValueTask.FromResult(SavedChanges(eventData, result));

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        // Inside a transaction the rows are saved, not committed: woken now, the dispatcher would read nothing and
        // sleep until its next poll. Wake it at the commit instead.
        if (eventData.Context is { } context && context.Database.CurrentTransaction is null && _written.Remove(context)) signal.Wake();
        return result;
    }

    public void TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is { } context && _written.Remove(context)) signal.Wake();
    }

    public Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is { } context) _written.Remove(context);
    }

    public Task TransactionRolledBackAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        TransactionRolledBack(transaction, eventData);
        return Task.CompletedTask;
    }

    private void Write(DbContext context, IReadOnlyList<WebhookSubscription> enabled)
    {
        if (enabled.Count == 0) return;
        context.ChangeTracker.DetectChanges();
        var now = time.GetUtcNow();
        var written = false;
        foreach (var entry in context.ChangeTracker.Entries().ToList())
        {
            foreach (var (type, organizationId, data) in Changes(entry))
            {
                foreach (var subscription in enabled.Where(s => s.Receives(type, organizationId)))
                {
                    context.Add(new WebhookMessage
                    {
                        Id = "msg_" + Guid.CreateVersion7(now).ToString("N"),
                        SubscriptionId = subscription.Id,
                        OrganizationId = organizationId,
                        EventType = type,
                        PayloadJson = WebhookPayloads.Of(type, organizationId, now, data),
                        CreatedAt = now,
                        NextAttemptAt = now,
                    });
                    written = true;
                }
            }
        }
        if (written) _written.AddOrUpdate(context, this);
    }

    /// <summary>What a tracked change tells partners: none, or one or two events (a request can be decided and escalated in one save).</summary>
    private static IEnumerable<(string Type, string OrganizationId, object Data)> Changes(EntityEntry entry)
    {
        switch (entry.Entity)
        {
            case Alert alert when entry.State == EntityState.Added:
                yield return (WebhookEventTypes.AlertRaised, alert.OrganizationId, WebhookPayloads.Alert(alert));
                break;
            case ApprovalRequest request when entry.State == EntityState.Added:
                yield return (WebhookEventTypes.ApprovalRequested, request.OrganizationId, WebhookPayloads.Approval(request));
                break;
            case ApprovalRequest request when entry.State == EntityState.Modified:
                if (Changed(entry, nameof(ApprovalRequest.EscalationLevel)) && entry.Property(nameof(ApprovalRequest.EscalationLevel)).OriginalValue is int level && request.EscalationLevel > level)
                    yield return (WebhookEventTypes.ApprovalEscalated, request.OrganizationId, WebhookPayloads.Approval(request));
                if (Changed(entry, nameof(ApprovalRequest.Status)) && entry.Property(nameof(ApprovalRequest.Status)).OriginalValue is ApprovalStatus.Pending)
                    yield return (WebhookEventTypes.ApprovalDecided, request.OrganizationId, WebhookPayloads.Approval(request));
                break;
            case ResponseAction action when entry.State == EntityState.Added
                || entry.State == EntityState.Modified && (Changed(entry, nameof(ResponseAction.Status)) || Changed(entry, nameof(ResponseAction.VerificationStatus))):
                yield return (WebhookEventTypes.ActionUpdated, action.OrganizationId, WebhookPayloads.Action(action));
                break;
        }
    }

    private static bool Changed(EntityEntry entry, string property) => entry.Property(property).IsModified;
}

/// <summary>
/// The enabled subscriptions, as the outbox writer needs them on every save: read from the database (in a scope of its
/// own, never inside the save being intercepted) at most every <see cref="MaxAge"/>, so a subscription made on another
/// node is seen within it, and at once after a change on this node.
/// </summary>
public sealed class WebhookSubscriptionCache(IServiceScopeFactory scopes, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(IReadOnlyList<WebhookSubscription> Enabled, DateTimeOffset ReadAt);

    /// <summary>Called after a subscription is created, changed, disabled or deleted on this node.</summary>
    public void Invalidate() => _snapshot = null;

    internal async ValueTask<IReadOnlyList<WebhookSubscription>> EnabledAsync(CancellationToken ct)
    {
        if (_snapshot is { } s && time.GetUtcNow() - s.ReadAt < MaxAge) return s.Enabled;
        var readAt = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var enabled = await scope.ServiceProvider.GetRequiredService<Persistence.RespondDbContext>().Set<WebhookSubscription>().AsNoTracking()
            .Where(x => x.Enabled).ToListAsync(ct);
        _snapshot = new Snapshot(enabled, readAt);
        return enabled;
    }
}

/// <summary>Wakes the dispatcher when this node wrote outbox messages (it also polls, for other nodes' and for retries).</summary>
public sealed class WebhookSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        try
        {
            if (_signal.CurrentCount == 0) _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    public Task WaitAsync(CancellationToken ct) => _signal.WaitAsync(ct);
}
