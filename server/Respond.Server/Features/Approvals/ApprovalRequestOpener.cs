using System.Text.Json;
using Microsoft.Extensions.Options;
using Respond.Server.Features.Audit;
using Respond.Server.Identity;
using Respond.Server.Messaging;
using Respond.Server.Persistence;
using Respond.Workflows;

namespace Respond.Server.Features.Approvals;

/// <summary>
/// Who decides a request and what happens while nobody does: the quorum, the first group (empty: any Approver), the
/// escalation steps, the timeout (null: Respond:Approvals:DefaultTimeout) and the fallback at the timeout.
/// </summary>
public sealed record ApprovalTerms(int ApprovalsRequired = 1, IReadOnlyList<string>? Approvers = null, IReadOnlyList<EscalationStep>? Escalation = null,
    TimeSpan? Timeout = null, ApprovalFallback Fallback = ApprovalFallback.Expire, string? AutoApproveReason = null);

/// <summary>
/// Opens an approval request on behalf of a principal (not the engine): the requester is recorded, so dual
/// control keeps them from deciding it. The caller saves; <see cref="Published"/> announces it after the commit.
/// </summary>
public sealed class ApprovalRequestOpener(RespondDbContext db, AuditTrail audit, RespondEvents events, IOptions<ApprovalOptions> options, TimeProvider time)
{
    public ApprovalRequest Open(string organizationId, RespondPrincipal by, object proposedActions, string? justification, string? alertId = null, string? ruleId = null, ApprovalTerms? terms = null)
    {
        terms ??= new ApprovalTerms();
        var now = time.GetUtcNow();
        var request = new ApprovalRequest
        {
            Id = "apr-" + Guid.NewGuid().ToString("N")[..16],
            OrganizationId = organizationId,
            ProposedActionsJson = JsonSerializer.Serialize(proposedActions, RespondDbContext.JsonOptions),
            RequestedBy = by.Id,
            AlertId = alertId,
            RuleId = ruleId,
            Justification = justification,
            ApprovalsRequired = terms.ApprovalsRequired,
            Approvers = [.. terms.Approvers ?? []],
            Fallback = terms.Fallback,
            AutoApproveReason = terms.AutoApproveReason,
            ExpiresAt = now + (terms.Timeout ?? options.Value.DefaultTimeout),
            CreatedAt = now,
        };
        request.StartEscalation(terms.Escalation ?? [], now);
        db.ApprovalRequests.Add(request);
        audit.Record(by, "approval.requested", "ApprovalRequest", request.Id, [organizationId], null, new
        {
            request.Justification,
            request.ApprovalsRequired,
            request.Approvers,
            request.Escalation,
            request.Fallback,
            request.AutoApproveReason,
            Actions = proposedActions,
        });
        return request;
    }

    public void Published(ApprovalRequest request) => events.Publish(new ApprovalRequested(request));
}
