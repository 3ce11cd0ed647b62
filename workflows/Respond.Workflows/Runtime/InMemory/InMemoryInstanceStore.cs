using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Workflows.Runtime.InMemory;

/// <summary>Instances in memory. Saves a copy, as a database would, so later changes to the caller's object are not "saved" by accident.</summary>
public sealed class InMemoryInstanceStore : IWorkflowInstanceStore
{
    private readonly ConcurrentDictionary<string, WorkflowInstance> instances = new(StringComparer.Ordinal);

    public IReadOnlyCollection<WorkflowInstance> All => [.. instances.Values];

    public ValueTask SaveAsync(WorkflowInstance instance, CancellationToken ct)
    {
        instances[instance.Id] = Copy(instance);
        return ValueTask.CompletedTask;
    }

    public ValueTask<WorkflowInstance?> FindAsync(string instanceId, CancellationToken ct) =>
        ValueTask.FromResult(instances.TryGetValue(instanceId, out var found) ? Copy(found) : null);

    private static WorkflowInstance Copy(WorkflowInstance instance) => new()
    {
        Id = instance.Id,
        Rule = instance.Rule,
        Event = instance.Event,
        Status = instance.Status,
        Bookmark = instance.Bookmark,
        Path = [.. instance.Path.Select(step => step with { Detail = (JsonObject?)step.Detail?.DeepClone() })],
        Variables = (JsonObject)instance.Variables.DeepClone(),
        StartedAt = instance.StartedAt,
        EndedAt = instance.EndedAt,
        Error = instance.Error,
    };
}
