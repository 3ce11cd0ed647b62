using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Respond.Server.Features.Actions;
using Respond.Server.Features.Alerts;
using Respond.Server.Features.Approvals;
using Respond.Server.Features.Audit;
using Respond.Server.Features.Engine;
using Respond.Server.Features.Rules;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Cluster;

/// <summary>
/// On PostgreSQL, every save that raises an alert, opens or decides an approval request, moves an action, appends to the
/// audit trail or changes a rule sends <c>pg_notify</c> for it inside the same transaction, just before the commit (a save
/// with no transaction of its own gets one). Reading the change from the tracked entities, like the webhook outbox,
/// keeps every writer covered. On SQLite and SQL Server it does nothing (one node, or no LISTEN/NOTIFY).
/// </summary>
internal sealed class ClusterNoticeWriter(PartitionOwnership node) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, List<Pending>> _pending = new();

    /// <summary>A change saved and not committed yet; an audit entry's id is the database's, read at the commit.</summary>
    private sealed record Pending(ClusterNoticeKind Kind, string? Id, AuditEntry? Audit)
    {
        public string IdNow => Id ?? Audit!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default) =>
        ValueTask.FromResult(SavingChanges(eventData, result));

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is not { } context || !node.Clustered || !context.Database.RunsOnPostgreSql()) return result;
        context.ChangeTracker.DetectChanges();
        var notices = context.ChangeTracker.Entries().SelectMany(Changes).ToList();
        if (notices.Count == 0) return result;
        _pending.GetOrCreateValue(context).AddRange(notices);
        // The notification must commit with the change: a save of one statement would otherwise run without a transaction.
        if (context.Database.CurrentTransaction is null) context.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
        return result;
    }

    private static IEnumerable<Pending> Changes(EntityEntry entry)
    {
        switch (entry.Entity)
        {
            case Alert alert when entry.State == EntityState.Added:
                yield return new Pending(ClusterNoticeKind.AlertRaised, alert.Id, null);
                break;
            case ApprovalRequest request when entry.State == EntityState.Added:
                yield return new Pending(ClusterNoticeKind.ApprovalRequested, request.Id, null);
                break;
            case ApprovalRequest request when entry.State == EntityState.Modified && entry.Property(nameof(ApprovalRequest.Status)).IsModified
                && entry.Property(nameof(ApprovalRequest.Status)).OriginalValue is ApprovalStatus.Pending:
                yield return new Pending(ClusterNoticeKind.ApprovalDecided, request.Id, null);
                break;
            case ResponseAction action when entry.State == EntityState.Added
                || entry.State == EntityState.Modified && (entry.Property(nameof(ResponseAction.Status)).IsModified || entry.Property(nameof(ResponseAction.VerificationStatus)).IsModified):
                yield return new Pending(ClusterNoticeKind.ActionUpdated, action.Id, null);
                break;
            case AuditEntry audit when entry.State == EntityState.Added:
                yield return new Pending(ClusterNoticeKind.AuditAppended, null, audit);
                break;
            case Rule rule when entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted:
                yield return new Pending(ClusterNoticeKind.RuleChanged, rule.Id, null);
                break;
            case Connectors.Agents.RelayedAgentCommand command when entry.State == EntityState.Added:
                yield return new Pending(ClusterNoticeKind.AgentCommandRelayed, command.Id, null);
                break;
            case Connectors.Agents.RelayedAgentCommand command when entry.State == EntityState.Modified && entry.Property(nameof(command.AnswerJson)).IsModified:
                yield return new Pending(ClusterNoticeKind.AgentCommandAnswered, command.Id, null);
                break;
        }
    }

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) =>
        TransactionCommittingAsync(transaction, eventData, result).AsTask().GetAwaiter().GetResult();

    public async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result,
        CancellationToken ct = default)
    {
        if (eventData.Context is not { } context || !_pending.TryGetValue(context, out var notices)) return result;
        _pending.Remove(context);
        var payloads = notices.Select(n => new ClusterNotice(node.NodeId, n.Kind, n.IdNow).Payload).Distinct().ToList();
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT pg_notify(@channel, payload) FROM unnest(@payloads) AS payload";
        var channel = command.CreateParameter();
        channel.ParameterName = "channel";
        channel.Value = ClusterNotice.Channel;
        command.Parameters.Add(channel);
        var values = command.CreateParameter();
        values.ParameterName = "payloads";
        values.Value = payloads.ToArray();
        command.Parameters.Add(values);
        await command.ExecuteNonQueryAsync(ct);
        return result;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (eventData.Context is { } context) _pending.Remove(context);
    }

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        TransactionRolledBack(transaction, eventData);
        return Task.CompletedTask;
    }
}
