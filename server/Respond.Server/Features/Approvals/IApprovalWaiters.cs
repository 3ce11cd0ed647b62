namespace Respond.Server.Features.Approvals;

/// <summary>
/// Whoever waits on an approval request (the rule engine: an instance suspended on a gate). Owned here so that Approvals
/// never reaches into the engine; the engine implements it. Told only after the decision is committed.
/// </summary>
public interface IApprovalWaiters
{
    Task RequestDecidedAsync(string workflowInstanceId, string bookmarkId, string port, CancellationToken ct);
}
