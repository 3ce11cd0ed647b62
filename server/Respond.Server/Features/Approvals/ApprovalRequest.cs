using Respond.Server.Identity;
using Respond.Workflows;

namespace Respond.Server.Features.Approvals;

public enum ApprovalStatus { Pending, Approved, Rejected, Expired, Cancelled }

/// <summary>
/// What a request asks for: a person's action (dual control), a rule's approval gate for one event, or arming a rule
/// that acts on its own (change control: the rule runs only once a second person approves).
/// </summary>
public enum ApprovalKind { Action, Gate, RuleActivation }

/// <summary>
/// A request for a person's decision: raised by an approval gate (RequestedBy = "engine") or by an analyst.
/// Dual control: whoever requested never decides. A quorum (<see cref="ApprovalsRequired"/>) needs that many approvals
/// from distinct people; the first rejection decides at once. <see cref="Version"/> makes racing deciders count once each.
/// </summary>
public sealed class ApprovalRequest
{
    public const string Engine = "engine";

    public required string Id { get; init; }
    /// <summary>For a rule activation of an every-organization rule: <see cref="RespondPrincipal.AllOrganizations"/>.</summary>
    public required string OrganizationId { get; init; }
    public ApprovalKind Kind { get; init; } = ApprovalKind.Action;
    public string? RuleId { get; init; }
    public int? RuleVersion { get; init; }
    public string? WorkflowInstanceId { get; init; }
    public string? BookmarkId { get; init; }
    public string? EventId { get; init; }
    public string? AlertId { get; init; }
    public required string ProposedActionsJson { get; init; }
    public List<string> Approvers { get; init; } = [];
    public required string RequestedBy { get; init; }
    public string? Justification { get; init; }
    /// <summary>Who activated the rule (gate) or asks to (activation): never a decider of the rule's requests.</summary>
    public string? RuleActivatedBy { get; init; }
    /// <summary>Who edited what runs (gate) or what is to run (activation): never deciders either.</summary>
    public List<string> RuleEditedBy { get; init; } = [];
    /// <summary>A rule activation's <c>RuleDiff</c> against the version that runs now, as JSON.</summary>
    public string? RuleDiffJson { get; init; }
    public ApprovalStatus Status { get; private set; } = ApprovalStatus.Pending;
    public string? DecidedBy { get; private set; }
    public DateTimeOffset? DecidedAt { get; private set; }
    public string? Comment { get; private set; }
    /// <summary>Distinct approvals needed before the request is APPROVED; the requester never counts.</summary>
    public int ApprovalsRequired { get; init; } = 1;
    /// <summary>Every person's approval or rejection, in order; the last one is the deciding one once the request is decided.</summary>
    public List<ApprovalVote> Decisions { get; private set; } = [];
    /// <summary>Every principal the request names: who asked, who decided, each vote's author (what a page of requests shows by name).</summary>
    public IEnumerable<string?> PrincipalIds => [RequestedBy, DecidedBy, .. Decisions.Select(d => d.By)];
    public int ApprovalsReceived => Decisions.Count(d => d.Outcome == ApprovalStatus.Approved);
    /// <summary>Who is asked next, and may decide too, while the request waits.</summary>
    public List<EscalationStep> Escalation { get; private set; } = [];
    /// <summary>How many escalation steps have fired.</summary>
    public int EscalationLevel { get; private set; }
    public DateTimeOffset? NextEscalationAt { get; private set; }
    /// <summary>Who was told when: the first group at the opening (level 0), then each escalation step.</summary>
    public List<ApprovalNotice> Notices { get; private set; } = [];
    /// <summary>What happens at <see cref="ExpiresAt"/> without a decision: expire (default), or approve where a policy says so.</summary>
    public ApprovalFallback Fallback { get; init; } = ApprovalFallback.Expire;
    /// <summary>The policy's explicit consent to an APPROVE fallback, which the audit of the auto-approval quotes.</summary>
    public string? AutoApproveReason { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public int Version { get; set; } = 1;

    /// <summary>The principals dual control keeps from deciding: the requester, and for a rule the people who armed or changed it.</summary>
    public bool IsBarredFromDeciding(string principalId) =>
        RequestedBy == principalId || RuleActivatedBy == principalId || RuleEditedBy.Contains(principalId);

    /// <summary>The opening notice goes to the first group (the approvers, or every Approver); the first step is due after its delay.</summary>
    public void StartEscalation(IEnumerable<EscalationStep> steps, DateTimeOffset at)
    {
        Escalation = [.. steps];
        Notices = [new ApprovalNotice(0, at, Approvers.Count > 0 ? [.. Approvers] : [Roles.Approver])];
        NextEscalationAt = Escalation.Count > 0 ? at + Escalation[0].After : null;
    }

    /// <summary>
    /// Fires the next step: its group (with the on-call list resolved to <paramref name="onCall"/>) is told, and when the
    /// request named its deciders, they are added to them. Returns the notice, or null when nothing is due.
    /// </summary>
    public ApprovalNotice? Escalate(IReadOnlyList<string> onCall, DateTimeOffset at)
    {
        if (Status != ApprovalStatus.Pending || NextEscalationAt is not { } due || due > at || EscalationLevel >= Escalation.Count) return null;
        var step = Escalation[EscalationLevel];
        var recipients = step.Notify.SelectMany(n => n == EscalationStep.OnCall ? onCall : [n]).Distinct().ToList();
        if (Approvers.Count > 0) Approvers.AddRange(recipients.Where(r => !Approvers.Contains(r)));
        EscalationLevel++;
        var notice = new ApprovalNotice(EscalationLevel, at, recipients);
        Notices = [.. Notices, notice];
        NextEscalationAt = EscalationLevel < Escalation.Count ? at + Escalation[EscalationLevel].After : null;
        Version++;
        return notice;
    }

    public bool HasDecided(string principalId) => Decisions.Any(d => d.By == principalId);

    /// <summary>
    /// Counts one person's approval or rejection. A rejection decides at once; an approval decides once the quorum is
    /// reached. Returns whether this decision decided the request.
    /// </summary>
    public bool Record(ApprovalStatus outcome, string by, string? comment, DateTimeOffset at)
    {
        if (outcome is not (ApprovalStatus.Approved or ApprovalStatus.Rejected)) throw new ArgumentOutOfRangeException(nameof(outcome));
        if (Status != ApprovalStatus.Pending) throw new InvalidOperationException($"Request {Id} is already {Status}.");
        if (HasDecided(by)) throw new InvalidOperationException($"{by} already decided request {Id}.");
        Decisions.Add(new ApprovalVote(by, outcome, comment, at));
        if (outcome == ApprovalStatus.Approved && ApprovalsReceived < ApprovalsRequired)
        {
            Version++;
            return false;
        }
        Decide(outcome, by, comment, at);
        return true;
    }

    public void Decide(ApprovalStatus outcome, string by, string? comment, DateTimeOffset at)
    {
        if (Status != ApprovalStatus.Pending) throw new InvalidOperationException($"Request {Id} is already {Status}.");
        Status = outcome;
        DecidedBy = by;
        DecidedAt = at;
        Comment = comment;
        Version++;
    }
}

/// <summary>One person's approval or rejection of a request.</summary>
public sealed record ApprovalVote(string By, ApprovalStatus Outcome, string? Comment, DateTimeOffset At);

/// <summary>A group told about a request: level 0 at the opening, then one per escalation step.</summary>
public sealed record ApprovalNotice(int Level, DateTimeOffset At, IReadOnlyList<string> Recipients);
