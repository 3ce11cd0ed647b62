using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Messaging;
using Respond.Server.Persistence;
using Respond.Workflows;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Features.Approvals;

/// <summary>
/// approveRequest / rejectRequest, whoever asks (GraphQL, a chat button): each attempt runs in a scope of its own, so a
/// decision that lost a race (the request's version moved between read and save) is decided again on the new state:
/// three people approving a 2-of-3 request at once give two counted approvals and one ALREADY_DECIDED, never a
/// lost approval or a second decision.
/// </summary>
public sealed class ApprovalDecisions(IServiceScopeFactory scopes, ILogger<ApprovalDecisions> logger)
{
    public const int MaxAttempts = 5;

    /// <summary>The roles that may decide at all (every way in: the API, a chat button); the request's own rules come after.</summary>
    public static readonly string[] DeciderRoles = [Roles.Admin, Roles.Approver];

    public async Task<ApprovalRequestPayload> DecideAsync(DecideApprovalInput input, ApprovalStatus outcome, RespondPrincipal by, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var (payload, raced) = await scope.ServiceProvider.GetRequiredService<DecideApproval>().ExecuteAsync(input, outcome, by, ct);
            if (!raced || attempt == MaxAttempts) return payload;
            ApprovalsLog.DecisionRaced(logger, input.Id, by.Id);
        }
    }
}

/// <summary>
/// One attempt at one person's decision. Dual control: the requester never decides, whatever roles they hold; the
/// engine's requests may be decided by any Approver of the organization (or the gate's approvers). A quorum counts
/// distinct people; the first rejection decides. The version check makes a racing attempt fail whole (Raced).
/// </summary>
internal sealed class DecideApproval(RespondDbContext db, AuditTrail audit, IApprovalWaiters waiters, IResumeScheduler scheduler, RespondEvents events,
    Actions.ActionLifecycle actions, IRuleActivationDecision ruleActivation, TimeProvider time, ILogger<DecideApproval> logger)
{
    public async Task<(ApprovalRequestPayload Payload, bool Raced)> ExecuteAsync(DecideApprovalInput input, ApprovalStatus outcome, RespondPrincipal by, CancellationToken ct)
    {
        var request = await db.ApprovalRequests.VisibleTo(by).SingleOrDefaultAsync(r => r.Id == input.Id, ct);
        if (request is null) return (Fail(UserError.NotFound("approval request")), false);
        if (request.IsBarredFromDeciding(by.Id))
        {
            ApprovalsLog.SelfDecisionRefused(logger, request.Id, by.Id);
            return (await RefuseAsync(request, outcome, by, new UserError(UserErrorCode.DualControl, request.RequestedBy == by.Id
                ? "You requested this; a different person must decide it."
                : $"You activated or changed rule {request.RuleId}; a different person must decide its requests.", "id"), ct), false);
        }
        if (request.Approvers.Count > 0 && !request.Approvers.Any(a => a == by.Id || by.IsInRole(a)))
            return (await RefuseAsync(request, outcome, by, new UserError(UserErrorCode.NotAnApprover, $"This request may be decided only by: {string.Join(", ", request.Approvers)}.", "id"), ct), false);
        // A rule activation is checked against the rule as it is now: approving a version that is no longer the one
        // waiting would arm something nobody reviewed.
        if (request.Kind == ApprovalKind.RuleActivation && await ruleActivation.RefusalAsync(request, by, ct) is { } refusal)
            return (await RefuseAsync(request, outcome, by, refusal, ct), false);
        if (request.Status != ApprovalStatus.Pending)
            return (Fail(new UserError(UserErrorCode.AlreadyDecided, $"The request is already {ApiEnumName.Format(request.Status)}.", "id")), false);
        if (request.ExpiresAt <= time.GetUtcNow())
            return (Fail(new UserError(UserErrorCode.Expired, "The request expired before this decision.", "id")), false);
        if (request.HasDecided(by.Id))
            return (await RefuseAsync(request, outcome, by, new UserError(UserErrorCode.AlreadyCounted,
                $"Your decision is already counted ({request.ApprovalsReceived} of {request.ApprovalsRequired} approvals); the rest must come from other people.", "id"), ct), false);

        var decided = request.Record(outcome, by.Id, input.Comment, time.GetUtcNow());
        audit.Record(by, !decided ? "approval.counted" : outcome == ApprovalStatus.Approved ? "approval.approved" : "approval.rejected", "ApprovalRequest", request.Id,
            [request.OrganizationId], new { Status = "Pending" },
            new { Status = request.Status.ToString(), Decision = outcome.ToString(), input.Comment, request.ApprovalsReceived, request.ApprovalsRequired });
        if (decided) await ApplyAsync(request, outcome, by, input.Comment, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return (Fail(request.Kind == ApprovalKind.RuleActivation
                ? new UserError(UserErrorCode.StaleChange, "The request or its rule changed at the same moment; nothing was decided. Reload and try again.", "id")
                : new UserError(UserErrorCode.AlreadyDecided, "Someone else decided this request at the same moment.", "id")), true);
        }
        if (!decided) return (new ApprovalRequestPayload(request, []), false);

        events.Publish(new ApprovalDecided(request));
        await actions.FlushAsync(ct);
        if (request.Kind == ApprovalKind.RuleActivation) await ruleActivation.CommittedAsync(ct);
        if (request is { WorkflowInstanceId: { } instanceId, BookmarkId: { } bookmarkId })
        {
            await scheduler.CancelAsync(instanceId, bookmarkId, ct);
            await waiters.RequestDecidedAsync(instanceId, bookmarkId, outcome == ApprovalStatus.Approved ? "approved" : "rejected", ct);
        }
        return (new ApprovalRequestPayload(request, []), false);
    }

    /// <summary>The actions waiting on the request move with it, in the same transaction: approved → QUEUED, rejected → CANCELLED.</summary>
    private async Task ApplyAsync(ApprovalRequest request, ApprovalStatus outcome, RespondPrincipal by, string? comment, CancellationToken ct)
    {
        var note = comment is { Length: > 0 } c ? " " + c : "";
        foreach (var action in await db.ResponseActions.Where(a => a.ApprovalRequestId == request.Id && a.Status == Actions.ResponseActionStatus.PendingApproval).ToListAsync(ct))
        {
            if (outcome == ApprovalStatus.Approved)
            {
                actions.Move(action, Actions.ResponseActionStatus.Queued, by, $"Approved by {by.Name}.{note}");
                actions.Schedule(Actions.ActionJobKind.Execute, action.Id, time.GetUtcNow());
            }
            else actions.Move(action, Actions.ResponseActionStatus.Cancelled, by, $"Rejected by {by.Name}.{note}");
        }
        actions.Unschedule(Actions.ActionJobKind.ExpireApproval, request.Id);
        actions.Unschedule(Actions.ActionJobKind.EscalateApproval, request.Id);
        if (request.Kind == ApprovalKind.RuleActivation) await ruleActivation.ApplyAsync(request, outcome, by, ct);
    }

    private static ApprovalRequestPayload Fail(UserError error) => new(null, [error]);

    /// <summary>A refused decision leaves the request as it was, and the audit trail says who tried and why.</summary>
    private async Task<ApprovalRequestPayload> RefuseAsync(ApprovalRequest request, ApprovalStatus outcome, RespondPrincipal by, UserError error, CancellationToken ct)
    {
        audit.Record(by, "authorization.refused", "ApprovalRequest", request.Id, [request.OrganizationId], null, new
        {
            Operation = outcome == ApprovalStatus.Approved ? "approveRequest" : "rejectRequest",
            Kind = request.Kind.ToString(),
            request.RuleId,
            request.RuleVersion,
            Code = error.Code.ToSchemaName(),
            Reason = error.Message,
        });
        await db.SaveChangesAsync(ct);
        return Fail(error);
    }
}
