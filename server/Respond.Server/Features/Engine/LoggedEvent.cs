using Respond.Server.Features.Events;
using Respond.Workflows.Runtime;

namespace Respond.Server.Features.Engine;

/// <summary>An event of the log as the evaluator takes it: its sequence, and either its stored row or, when this process appended it, the event as ingestion parsed it (<see cref="RecentEvents"/>).</summary>
public readonly record struct LoggedEvent
{
    private readonly ParsedEvent? _parsed;
    private readonly StoredEvent? _stored;

    public LoggedEvent(long sequence, ParsedEvent parsed) => (Sequence, _parsed) = (sequence, parsed);

    public LoggedEvent(StoredEvent stored) => (Sequence, _stored) = (stored.Sequence, stored);

    public long Sequence { get; }

    public string EventId => _parsed?.EventId ?? _stored!.EventId;

    public string OrganizationId => _parsed?.OrganizationId ?? _stored!.OrganizationId;

    public string Source => _parsed?.Source ?? _stored!.Source;

    public string Type => _parsed?.Type ?? _stored!.Type;

    /// <summary>The runtime's event, the same either way: built when it is evaluated, not kept.</summary>
    public WorkflowEvent ToWorkflowEvent() => _parsed is not null ? EventMapping.ToWorkflowEvent(_parsed) : EventMapping.ToWorkflowEvent(_stored!);
}
