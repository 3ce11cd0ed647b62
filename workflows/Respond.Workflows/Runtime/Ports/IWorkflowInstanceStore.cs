namespace Respond.Workflows.Runtime.Ports;

/// <summary>Persists instances so a suspended one (approval gate, delay, pending action) survives a restart.</summary>
public interface IWorkflowInstanceStore
{
    ValueTask SaveAsync(WorkflowInstance instance, CancellationToken ct);

    ValueTask<WorkflowInstance?> FindAsync(string instanceId, CancellationToken ct);
}

/// <summary>Resumes a suspended instance at a time (flow.delay, gate.approval timeout). The server uses Quartz; tests a fake clock.</summary>
public interface IResumeScheduler
{
    ValueTask ScheduleAsync(string instanceId, string bookmarkId, DateTimeOffset at, CancellationToken ct);

    ValueTask CancelAsync(string instanceId, string bookmarkId, CancellationToken ct);
}
