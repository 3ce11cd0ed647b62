namespace Respond.Server.Features.Engine;

/// <summary>
/// A persisted workflow instance: every one that suspended, faulted, raised an alert or proposed an action.
/// Runs that ended without effect are not stored (see docs/how-rules-run.md); testRule replays any event to show why.
/// </summary>
public sealed class WorkflowInstanceRecord
{
    public required string Id { get; init; }
    public required string RuleId { get; init; }
    public int RuleVersion { get; init; }
    public required string OrganizationId { get; init; }
    public required string EventId { get; init; }
    public required string Status { get; set; }
    public string? BookmarkJson { get; set; }
    public DateTimeOffset? ResumeAt { get; set; }
    public required string EventJson { get; init; }
    public required string PathJson { get; set; }
    public required string VariablesJson { get; set; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; set; }
    public string? Error { get; set; }
}

/// <summary>The entries of one sliding window (threshold or correlate), so counts survive a restart.</summary>
public sealed class WindowStateRecord
{
    public required string RuleId { get; init; }
    public required string NodeId { get; init; }
    public required string GroupKey { get; init; }
    public required string EntriesJson { get; set; }
}
