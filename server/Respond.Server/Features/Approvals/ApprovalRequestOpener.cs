using System.Text.Json;
using Microsoft.Extensions.Options;
using Respond.Server.Features.Audit;
using Respond.Server.Identity;
using Respond.Server.Messaging;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Approvals;

/// <summary>
/// Opens an approval request on behalf of a principal (not the engine): the requester is recorded, so dual
/// control keeps them from deciding it. The caller saves; <see cref="Published"/> announces it after the commit.
/// </summary>
public sealed class ApprovalRequestOpener(RespondDbContext db, AuditTrail audit, RespondEvents events, IOptions<ApprovalOptions> options, TimeProvider time)
{
    public ApprovalRequest Open(string organizationId, RespondPrincipal by, object proposedActions, string? justification, string? alertId = null, string? ruleId = null, int approvalsRequired = 1)
    {
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
            ApprovalsRequired = approvalsRequired,
            ExpiresAt = now + options.Value.DefaultTimeout,
            CreatedAt = now,
        };
        db.ApprovalRequests.Add(request);
        audit.Record(by, "approval.requested", "ApprovalRequest", request.Id, [organizationId], null, new { request.Justification, request.ApprovalsRequired, Actions = proposedActions });
        return request;
    }

    public void Published(ApprovalRequest request) => events.Publish(new ApprovalRequested(request));
}
