using Respond.Server.Features.Actions;

namespace Respond.Server.Features.Approvals;

/// <summary>Why a request needs a person, as a kind the designer can label.</summary>
public enum ApprovalReason
{
    /// <summary>A rule's approval gate stopped here for this event.</summary>
    ApprovalGate,
    /// <summary>Arming an AUTOMATIC rule (change control of the rule itself).</summary>
    RuleActivation,
    /// <summary>The organization's approval requirements name the action type (dual control).</summary>
    ApprovalRequirement,
    ProtectedTarget,
    AlwaysRequiresApproval,
    /// <summary>An automatic action of a rule version whose activation no second person approved.</summary>
    ChangeControl,
    OutsideActiveHours,
    BlastRadiusGuard,
}

/// <summary>A request's reason in words, with rule names instead of rule ids.</summary>
public sealed record ApprovalExplanation(ApprovalReason Reason, string Text)
{
    /// <param name="request">The request to explain.</param>
    /// <param name="ruleName">The rule's name as it is now (null: no rule, or deleted).</param>
    /// <param name="actionReasons">The distinct reasons the request's actions were held (ResponseAction.ApprovalReason).</param>
    public static ApprovalExplanation Of(ApprovalRequest request, string? ruleName, IReadOnlyList<string> actionReasons)
    {
        var rule = ruleName is null ? $"rule {request.RuleId}" : $"rule \"{ruleName}\"";
        switch (request.Kind)
        {
            case ApprovalKind.Gate:
                return new(ApprovalReason.ApprovalGate,
                    $"The approval gate of {rule} (version {request.RuleVersion}) holds its proposed actions until a person approves them.");
            case ApprovalKind.RuleActivation:
                return new(ApprovalReason.RuleActivation, request.Justification
                    ?? $"Arming AUTOMATIC {rule} version {request.RuleVersion} needs a second person's approval (change control).");
        }
        var reasons = actionReasons;
        if (reasons.Count == 0)
            return new(ApprovalReason.ApprovalRequirement,
                request.Justification ?? "The organization's approval requirements name these action types: a second person must approve them.");
        var text = string.Join(" ", reasons);
        if (request.RuleId is { } id && ruleName is not null) text = text.Replace($"rule {id}", rule, StringComparison.Ordinal);
        return new(Classify(reasons[0]), text);
    }

    private static ApprovalReason Classify(string reason) => reason switch
    {
        _ when reason.StartsWith(ApprovalRouteReasons.ProtectedTarget, StringComparison.Ordinal) => ApprovalReason.ProtectedTarget,
        _ when reason.StartsWith(ApprovalRouteReasons.ChangeControl, StringComparison.Ordinal) => ApprovalReason.ChangeControl,
        _ when reason.StartsWith(ApprovalRouteReasons.OutsideActiveHours, StringComparison.Ordinal) => ApprovalReason.OutsideActiveHours,
        _ when reason.StartsWith(ApprovalRouteReasons.BlastRadiusGuard, StringComparison.Ordinal) => ApprovalReason.BlastRadiusGuard,
        _ when reason.Contains(ApprovalRouteReasons.AlwaysRequiresApproval, StringComparison.Ordinal) => ApprovalReason.AlwaysRequiresApproval,
        _ => ApprovalReason.ApprovalRequirement,
    };
}
