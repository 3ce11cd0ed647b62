using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.Features.Settings;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Workflows;

namespace Respond.Server.Features.Approvals;

/// <summary>
/// Runs a request's due escalation step from its persistent job (restart-safe: the job and the request's next step are
/// both stored). A step that raced a decision is tried again on the new state, in a scope of its own.
/// </summary>
public sealed class ApprovalEscalations(IServiceScopeFactory scopes, ILogger<ApprovalEscalations> logger)
{
    public async Task EscalateAsync(string requestId, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= ApprovalDecisions.MaxAttempts; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            if (!await scope.ServiceProvider.GetRequiredService<EscalateApproval>().ExecuteAsync(requestId, ct)) return;
            ApprovalsLog.EscalationRaced(logger, requestId);
        }
    }
}

/// <summary>
/// One escalation step: the step's group (its "on-call" read from the organization's settings now) is told and, where the
/// request names its deciders, may decide too; the next step is scheduled. Returns true when a decision raced it.
/// </summary>
internal sealed class EscalateApproval(RespondDbContext db, AuditTrail audit, Actions.ActionLifecycle lifecycle, ApprovalNotifier notifier, TimeProvider time)
{
    public async Task<bool> ExecuteAsync(string requestId, CancellationToken ct)
    {
        var request = await db.ApprovalRequests.SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is not { Status: ApprovalStatus.Pending, NextEscalationAt: { } due }) return false;
        if (due > time.GetUtcNow())
        {
            lifecycle.Schedule(Actions.ActionJobKind.EscalateApproval, request.Id, due);
            await lifecycle.FlushAsync(ct);
            return false;
        }
        var onCall = request.Escalation[request.EscalationLevel].Notify.Contains(EscalationStep.OnCall)
            ? (await db.ForAsync(request.OrganizationId, ct)).OnCall
            : [];
        var deciders = request.Approvers.ToList();
        var notice = request.Escalate(onCall, time.GetUtcNow())!;
        audit.Record(RespondPrincipal.System, "approval.escalated", "ApprovalRequest", request.Id, [request.OrganizationId],
            new { Level = notice.Level - 1, Approvers = deciders },
            new { notice.Level, notice.Recipients, request.Approvers, request.NextEscalationAt });
        if (request.NextEscalationAt is { } next) lifecycle.Schedule(Actions.ActionJobKind.EscalateApproval, request.Id, next);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return true;
        }
        await lifecycle.FlushAsync(ct);
        await notifier.NotifyAsync(request, notice, ct);
        return false;
    }
}
