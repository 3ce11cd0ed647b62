using Microsoft.EntityFrameworkCore;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Workflows;

namespace Respond.Server.Features.Approvals;

/// <summary>
/// What a person needs to decide a request away from the designer (a Slack message, a Teams card, a mail): the rule, the
/// alert, each proposed action and its target, who asks, how many approvals it needs and has, when it expires, and the
/// link to its decision page. The link names the request only: deciding there needs signing in.
/// </summary>
public sealed record ApprovalEvidence(
    string RequestId, string OrganizationId, string? RuleName, string? AlertTitle, IReadOnlyList<string> Actions, string RequestedBy,
    int ApprovalsRequired, int ApprovalsReceived, DateTimeOffset ExpiresAt, int EscalationLevel, Uri DecisionPage)
{
    public string Heading => EscalationLevel == 0
        ? $"Approval requested: {string.Join(", ", Actions)}"
        : $"Approval escalated (step {EscalationLevel}): {string.Join(", ", Actions)}";
}

/// <summary>Reads a request's evidence (one query per relation) and makes decision page links at the public origin.</summary>
public sealed class ApprovalEvidenceReader(RespondDbContext db, PrincipalNames names, PublicOrigins origins)
{
    public Uri DecisionPage(string requestId) => new(origins.Primary, "approvals/" + Uri.EscapeDataString(requestId));

    public async Task<ApprovalEvidence> ReadAsync(ApprovalRequest request, CancellationToken ct)
    {
        var ruleName = request.RuleId is null ? null : await db.Rules.Where(r => r.Id == request.RuleId).Select(r => r.Name).SingleOrDefaultAsync(ct);
        var alertTitle = request.AlertId is null ? null : await db.Alerts.Where(a => a.Id == request.AlertId).Select(a => a.Title).SingleOrDefaultAsync(ct);
        var proposal = ApprovalProposal.Of(request);
        var actions = proposal.ActionTypes.Select((t, i) => ApiEnumName.Format(t) + (i < proposal.Targets.Count && proposal.Targets[i].Length > 0 ? " " + proposal.Targets[i] : "")).ToList();
        if (actions.Count == 0) actions.Add(request.Kind == ApprovalKind.RuleActivation ? $"ACTIVATE_RULE {ruleName ?? request.RuleId}" : request.Kind.ToString());
        return new ApprovalEvidence(request.Id, request.OrganizationId, ruleName, alertTitle, actions, await names.NameAsync(request.RequestedBy, ct),
            request.ApprovalsRequired, request.ApprovalsReceived, request.ExpiresAt, request.EscalationLevel, DecisionPage(request.Id));
    }
}
