namespace Respond.Server.Features.Approvals;

public enum ApprovalStatus { Pending, Approved, Rejected, Expired, Cancelled }

/// <summary>
/// A request for a person's decision: raised by an approval gate (RequestedBy = "engine") or by an analyst.
/// Dual control: whoever requested never decides. <see cref="Version"/> makes two racing deciders yield one decision.
/// </summary>
public sealed class ApprovalRequest
{
    public const string Engine = "engine";

    public required string Id { get; init; }
    public required string OrganizationId { get; init; }
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
    public ApprovalStatus Status { get; private set; } = ApprovalStatus.Pending;
    public string? DecidedBy { get; private set; }
    public DateTimeOffset? DecidedAt { get; private set; }
    public string? Comment { get; private set; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public int Version { get; set; } = 1;

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
