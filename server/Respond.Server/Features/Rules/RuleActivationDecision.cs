using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Approvals;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Rules;

/// <summary>
/// The rule side of deciding a RULE_ACTIVATION request (<see cref="RuleChangeControl"/>): only the request the rule
/// waits for, for the version it is at, can be decided, and only by a principal of all the rule's organizations.
/// Approved, the version runs (activated by the requester, approved by the decider); rejected, the rule stays as it was.
/// </summary>
internal sealed class RuleActivationDecision(RespondDbContext db, RuleStore rules) : IRuleActivationDecision
{
    private string? _decidedRuleId;

    public async Task<UserError?> RefusalAsync(ApprovalRequest request, RespondPrincipal by, CancellationToken ct)
    {
        var rule = await db.Rules.SingleOrDefaultAsync(r => r.Id == request.RuleId, ct);
        if (rule is null || rule.PendingActivationRequestId != request.Id || rule.Version != request.RuleVersion)
            return new UserError(UserErrorCode.StaleChange, rule is null
                ? "The rule of this activation request was deleted."
                : $"The rule changed since this request (it is at version {rule.Version}, the request is for version {request.RuleVersion}); " +
                  "only the request for its current version can be decided.", "id");
        if (!rule.CanBeChangedBy(by))
            return new UserError(UserErrorCode.NotAnApprover, "The rule covers organizations you cannot approve for; a principal of all of them must decide.", "id");
        return null;
    }

    public async Task ApplyAsync(ApprovalRequest request, ApprovalStatus outcome, RespondPrincipal by, CancellationToken ct)
    {
        var rule = await db.Rules.SingleAsync(r => r.Id == request.RuleId, ct);
        _decidedRuleId = rule.Id;
        var before = RuleStore.Summary(rule);
        if (outcome == ApprovalStatus.Approved)
        {
            rule.Activate(request.RequestedBy, rules.Now, approvedBy: by.Id, recordedBy: by.Id);
            rules.Stage(rule, by, "rule.activationApproved", $"activation approved (requested by {request.RequestedBy})", before);
        }
        else
        {
            rule.PendingActivationRequestId = null;
            rules.Stage(rule, by, "rule.activationRejected", "", before);
        }
    }

    public Task CommittedAsync(CancellationToken ct) => _decidedRuleId is { } ruleId ? rules.ChangedAsync(ruleId, ct) : Task.CompletedTask;
}
