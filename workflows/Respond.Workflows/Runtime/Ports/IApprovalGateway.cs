namespace Respond.Workflows.Runtime.Ports;

/// <summary>gate.approval asks for a person's decision on the actions behind its approved port.</summary>
/// <remarks>
/// <c>Approvers</c>: the gate's optional role or principal ids; empty means any Approver of the organization.
/// <c>ApprovalsRequired</c>: the quorum, distinct approvers who must approve (the first rejection decides).
/// <c>Escalation</c>: who is notified next, and may decide too, while the request waits.
/// </remarks>
public sealed record ApprovalOpening(
    string WorkflowInstanceId,
    string NodeId,
    string RuleId,
    int RuleVersion,
    string OrganizationId,
    string EventId,
    string? AlertId,
    IReadOnlyList<ProposedAction> ProposedActions,
    IReadOnlyList<string> Approvers,
    DateTimeOffset ExpiresAt,
    int ApprovalsRequired = 1,
    IReadOnlyList<EscalationStep>? Escalation = null);

/// <summary>Opens approval requests (the server stores and publishes them; a decision or the expiry resumes the instance).</summary>
public interface IApprovalGateway
{
    /// <summary>Returns the approval request id.</summary>
    ValueTask<string> OpenAsync(ApprovalOpening opening, CancellationToken ct);
}
