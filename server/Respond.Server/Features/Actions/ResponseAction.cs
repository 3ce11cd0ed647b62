using Respond.Server.Connectors;
using Respond.Server.Features.Organizations;
using Respond.Workflows;

namespace Respond.Server.Features.Actions;

public enum ResponseActionStatus { PendingApproval, Queued, Executing, Completed, Failed, Cancelled }

/// <summary>Where an action came from; the audit trail and the designer show it.</summary>
public enum ResponseActionSource { Manual, Rule, AutoResponse, Rollback, Script }

public enum VerificationStatus { NotApplicable, Pending, Passed, Failed }

/// <summary>One step of an action's life: who moved it where, when and why.</summary>
public sealed record ResponseActionTransition(ResponseActionStatus Status, DateTimeOffset At, string Actor, string? Reason);

/// <summary>
/// One response action on one target (seed 002). Its status moves only along <see cref="Allowed"/>; every move is
/// recorded on <see cref="Timeline"/> and audited by <see cref="ActionLifecycle"/>. <see cref="Version"/> is the
/// concurrency token: a cancel racing the execution job decides once.
/// </summary>
public sealed class ResponseAction
{
    public required string Id { get; init; }
    public required string OrganizationId { get; init; }
    public ResponseActionType Type { get; init; }
    public string? DeviceId { get; init; }
    public string? UserId { get; init; }
    public string? Ip { get; init; }
    public int? ProcessId { get; init; }
    public string? FilePath { get; init; }
    public string? FileSha256 { get; init; }
    public string ParametersJson { get; init; } = "{}";
    public string? Justification { get; init; }
    public ResponseActionSource Source { get; init; }
    public required string SubmittedBy { get; init; }
    public DateTimeOffset SubmittedAt { get; init; }
    public string? AlertId { get; init; }
    public string? RuleId { get; init; }
    public int? RuleVersion { get; init; }
    public string? WorkflowInstanceId { get; init; }
    public string? BulkGroupId { get; init; }
    public string? RollbackOf { get; init; }
    public string? ParentActionId { get; init; }
    /// <summary>True when it was allowed to run without a person's approval (counted by the blast-radius guard).</summary>
    public bool Automatic { get; set; }
    /// <summary>Why it waits for approval (dual control, always-approve, blast-radius guard, protected target).</summary>
    public string? ApprovalReason { get; set; }
    public string? ApprovalRequestId { get; set; }

    public ResponseActionStatus Status { get; private set; }
    public List<ResponseActionTransition> Timeline { get; private set; } = [];
    public ConnectorKind? Connector { get; set; }
    public int Attempts { get; set; }
    /// <summary>Executing and handed over: the connector reports the result later (webhook callback, agent report).</summary>
    public bool AwaitingResult { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset? StartedAt { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }
    public string? Result { get; set; }
    public string? FailureReason { get; set; }
    public string? FactsJson { get; set; }
    public VerificationStatus VerificationStatus { get; set; } = VerificationStatus.NotApplicable;
    public string? VerificationDetails { get; set; }
    public DateTimeOffset? VerifiedAt { get; set; }
    public string? RolledBackBy { get; set; }
    public int Version { get; set; } = 1;

    public ActionTarget Target => new(DeviceId, UserId, Ip, ProcessId, FilePath, FileSha256);

    public bool IsTerminal => Status is ResponseActionStatus.Completed or ResponseActionStatus.Failed or ResponseActionStatus.Cancelled;

    /// <summary>
    /// The lifecycle of seed 002, plus one edge it leaves implicit: a transient failure puts an executing action back in
    /// the queue for its retry (so it can still be cancelled while it waits).
    /// </summary>
    public static readonly IReadOnlyDictionary<ResponseActionStatus, ResponseActionStatus[]> Allowed = new Dictionary<ResponseActionStatus, ResponseActionStatus[]>
    {
        [ResponseActionStatus.PendingApproval] = [ResponseActionStatus.Queued, ResponseActionStatus.Cancelled],
        [ResponseActionStatus.Queued] = [ResponseActionStatus.Executing, ResponseActionStatus.Cancelled],
        [ResponseActionStatus.Executing] = [ResponseActionStatus.Completed, ResponseActionStatus.Failed, ResponseActionStatus.Queued],
        [ResponseActionStatus.Completed] = [],
        [ResponseActionStatus.Failed] = [],
        [ResponseActionStatus.Cancelled] = [],
    };

    public static bool CanMove(ResponseActionStatus from, ResponseActionStatus to) => Allowed[from].Contains(to);

    /// <summary>The first status, set once when the action is created.</summary>
    public void Begin(ResponseActionStatus status, string actor, string? reason, DateTimeOffset at)
    {
        if (Timeline.Count > 0) throw new InvalidOperationException($"Action {Id} has already begun.");
        if (status is not (ResponseActionStatus.PendingApproval or ResponseActionStatus.Queued or ResponseActionStatus.Cancelled))
            throw new IllegalTransitionException(Id, null, status);
        Status = status;
        Timeline = [new ResponseActionTransition(status, at, actor, reason)];
        if (status == ResponseActionStatus.Cancelled) EndedAt = at;
    }

    /// <summary>Moves along the lifecycle or throws <see cref="IllegalTransitionException"/>; nothing else changes the status.</summary>
    public void MoveTo(ResponseActionStatus to, string actor, string? reason, DateTimeOffset at)
    {
        if (!CanMove(Status, to)) throw new IllegalTransitionException(Id, Status, to);
        Status = to;
        Timeline = [.. Timeline, new ResponseActionTransition(to, at, actor, reason)];
        if (to == ResponseActionStatus.Executing) StartedAt ??= at;
        if (IsTerminal) EndedAt = at;
    }

    /// <summary>An immutable copy for subscribers: the tracked entity keeps changing after it is published.</summary>
    public ResponseAction Snapshot()
    {
        var copy = (ResponseAction)MemberwiseClone();
        copy.Timeline = [.. Timeline];
        return copy;
    }
}

public sealed class IllegalTransitionException(string actionId, ResponseActionStatus? from, ResponseActionStatus to)
    : InvalidOperationException($"Action {actionId} cannot move from {(from is null ? "nothing" : ApiEnumName.Format(from.Value))} to {ApiEnumName.Format(to)}.")
{
    public ResponseActionStatus? From { get; } = from;
    public ResponseActionStatus To { get; } = to;
}
