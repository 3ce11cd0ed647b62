namespace Respond.Workflows.Runtime;

/// <summary>Settings of <see cref="WorkflowEngine"/>.</summary>
public sealed record WorkflowEngineOptions
{
    /// <summary>How long a <c>gate.approval</c> without its own <c>timeout</c> waits (API.md: Respond:Approvals:DefaultTimeout).</summary>
    public TimeSpan DefaultApprovalTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Save instances that completed. Suspended and faulted ones are always saved; a busy server may keep only those
    /// (most events end at a false condition, and storing each would double the write load).
    /// </summary>
    public bool PersistCompletedInstances { get; init; } = true;

    /// <summary>
    /// When false, a condition.match or a condition.threshold that takes its <c>false</c> port records no detail (the
    /// threshold still counts the event in its window). Live ingestion sets it false: such runs end without effect and are
    /// not stored, and building the detail costs about three times the match itself; at 1,000 events/s the thresholds'
    /// details were 8 % of everything the server allocated (docs/performance.md). Dry runs keep it true so testRule can
    /// say why an event did not fire.
    /// </summary>
    public bool DetailFalseMatches { get; init; } = true;
}
