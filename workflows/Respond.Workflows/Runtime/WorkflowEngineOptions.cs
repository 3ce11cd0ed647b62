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
}
