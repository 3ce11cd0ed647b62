using Respond.Server.GraphQL;
using Respond.Server.Identity;

namespace Respond.Server.Features.Approvals;

/// <summary>
/// What a decision on a RULE_ACTIVATION request does to its rule. Approvals calls it; Rules implements it, so the
/// approval flow stays the one way to decide anything without depending on how rules are stored.
/// </summary>
public interface IRuleActivationDecision
{
    /// <summary>Null when <paramref name="by"/> may decide this request now; otherwise why not (STALE_CHANGE, NOT_AN_APPROVER).</summary>
    Task<UserError?> RefusalAsync(ApprovalRequest request, RespondPrincipal by, CancellationToken ct);

    /// <summary>Applies the decision to the rule in the caller's unit of work; the caller saves.</summary>
    Task ApplyAsync(ApprovalRequest request, ApprovalStatus outcome, RespondPrincipal by, CancellationToken ct);

    /// <summary>After the commit: the engine runs what was approved.</summary>
    Task CommittedAsync(CancellationToken ct);
}
