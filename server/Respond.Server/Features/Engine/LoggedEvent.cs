using Respond.Server.Features.Events;
using Respond.Workflows.Runtime;

namespace Respond.Server.Features.Engine;

/// <summary>
/// An event of the log as the evaluator takes it: read back from the log, or from the partition's tail in memory,
/// where it is still as ingestion parsed it (<see cref="EvaluationPartition"/>).
/// </summary>
public readonly struct LoggedEvent
{
    private readonly StoredEvent? _stored;
    private readonly ParsedEvent? _parsed;

    public LoggedEvent(StoredEvent stored) => (_stored, Sequence) = (stored, stored.Sequence);

    public LoggedEvent(long sequence, ParsedEvent parsed) => (_parsed, Sequence) = (parsed, sequence);

    public long Sequence { get; }

    public string EventId => _stored?.EventId ?? _parsed!.EventId;

    public string OrganizationId => _stored?.OrganizationId ?? _parsed!.OrganizationId;

    public string Source => _stored?.Source ?? _parsed!.Source;

    public string Type => _stored?.Type ?? _parsed!.Type;

    /// <summary>The event for the engine, made when it is evaluated: a stored event whose JSON cannot be read fails its evaluation (and ends parked), not the read.</summary>
    public WorkflowEvent ToWorkflowEvent() => _stored is { } stored ? EventMapping.ToWorkflowEvent(stored) : EventMapping.ToWorkflowEvent(_parsed!);
}
