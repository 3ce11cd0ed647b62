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

/// <summary>
/// One part of an organization's window snapshot: every sliding window (threshold, correlate) of its partition, in
/// <see cref="WindowSnapshot"/>'s binary form, cut into parts of at most <see cref="WindowSnapshot.PartBytes"/>. The
/// parts of one <see cref="SnapshotId"/>, in <see cref="Part"/> order, are one snapshot; the partition's checkpoint names
/// the one that counts (<see cref="EvaluationCheckpoint.WindowsSnapshotId"/>). Parts of any other snapshot are a write
/// that was superseded or interrupted, deleted by the next one.
/// </summary>
public sealed class WindowSnapshotPart
{
    public required string OrganizationId { get; init; }
    public long SnapshotId { get; init; }
    public int Part { get; init; }
    public required byte[] Data { get; init; }
}

/// <summary>
/// How far one partition (an organization) has evaluated the event log: the sequence of the last event whose effects
/// are stored. Written in the same transaction as those effects, so after a crash evaluation resumes right after it.
/// <see cref="WindowsSequence"/>: the position the stored window snapshot reflects; windows of the events after it are
/// rebuilt by replaying the log at start-up. <see cref="WindowsSnapshotId"/>: which stored snapshot that is.
/// </summary>
public sealed class EvaluationCheckpoint
{
    public required string OrganizationId { get; init; }
    public long Sequence { get; set; }
    public long WindowsSequence { get; set; }
    public long WindowsSnapshotId { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// An event whose evaluation kept failing: the partition moved past it (in the same transaction as this row) so the
/// organization's other events go on; it stays here, with the reason, until an administrator retries it.
/// </summary>
public sealed class ParkedEvent
{
    public long Sequence { get; init; }
    public required string OrganizationId { get; init; }
    public required string EventId { get; init; }
    public required string Source { get; init; }
    public required string Type { get; init; }
    public required string Reason { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset ParkedAt { get; init; }
    public DateTimeOffset? LastRetriedAt { get; set; }
}
